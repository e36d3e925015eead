/**
 * Values written into the pipeline's Python and YAML files. Params are JSON
 * scalars (ParamValue); a JSON string literal is also a valid Python string
 * literal and a valid YAML double-quoted scalar, so strings are always
 * written that way and can never be read back as another type.
 */
import type { ParamValue } from '../../schema';

/** A param value as a Python literal. */
export function pythonLiteral(value: ParamValue): string {
  if (value === null) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : `float("${value}")`;
  }
  return JSON.stringify(value);
}

/**
 * A number as a YAML 1.1 float or int that PyYAML reads back as a number:
 * YAML 1.1 wants a dot in a float's mantissa (`1.0e-07`, never `1e-7`).
 */
function yamlNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  }
  const text = String(value);
  const exponent = text.indexOf('e');
  if (exponent < 0 || text.slice(0, exponent).includes('.')) {
    return text;
  }
  return `${text.slice(0, exponent)}.0${text.slice(exponent)}`;
}

/** A param value as a YAML scalar. */
export function yamlScalar(value: ParamValue): string {
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number') {
    return yamlNumber(value);
  }
  return JSON.stringify(value);
}

/** A mapping key or a list item: plain when it cannot be misread, else quoted. */
export function yamlText(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(text) &&
    !/^(true|false|yes|no|on|off|null|y|n)$/i.test(text)
    ? text
    : JSON.stringify(text);
}

/** Whether a param name can be a Python variable (papermill's parameters cell). */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except ' +
    'finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' ')
);

/** A param name as a Python variable: other characters become `_`. */
export function pythonName(name: string): string {
  let variable = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(variable)) {
    variable = `p_${variable}`;
  }
  return PYTHON_KEYWORDS.has(variable) ? `${variable}_` : variable;
}

/** The kind of value a param takes on the command line (from its recorded value). */
export type ParamKind = 'number' | 'bool' | 'string' | 'none';

export function paramKind(value: ParamValue): ParamKind {
  if (value === null) {
    return 'none';
  }
  return typeof value === 'number'
    ? 'number'
    : typeof value === 'boolean'
      ? 'bool'
      : 'string';
}
