// Trail's SVG icons are bundled as their text (JupyterLab's builder and
// jest's raw loader both do so); LabIcon takes that text. The pattern is
// narrower than '*.svg' so that it cannot clash with a project-wide one.
declare module '*/style/icons/trail.svg' {
  const svgstr: string;
  export default svgstr;
}
