/**
 * The exported Dockerfile, read by a Dockerfile parser (dockerfile-ast) and
 * checked by a Dockerfile validator (dockerfile-utils, the one VS Code's
 * Docker support uses). `docker build` itself is not run by the tests: no
 * Docker daemon runs on the test machines and Docker Hub is unreachable.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { buildPipeline } from '../../src/records/export/pipeline';
import { fileOf, sampleSpec } from './export-pipeline-support';

/** Each instruction of the Dockerfile as [keyword, arguments as written]. */
function instructions(content: string): [string, string][] {
  return DockerfileParser.parse(content)
    .getInstructions()
    .map((instruction: Instruction) => [
      instruction.getKeyword(),
      instruction.getArgumentsContent() ?? ''
    ]);
}

describe('the exported Dockerfile', () => {
  const content = fileOf(buildPipeline(sampleSpec()), 'Dockerfile');

  it('is a valid Dockerfile (no diagnostics at all, warnings included)', () => {
    expect(validate(content)).toEqual([]);
  });

  it("starts from the recorded Python's slim image, installs the pinned requirements before the code is copied, and runs the script", () => {
    expect(instructions(content)).toEqual([
      ['FROM', 'python:3.11-slim'],
      ['WORKDIR', '/pipeline'],
      // requirements.txt constrains with -c requirements.lock: both are needed to install.
      ['COPY', 'requirements.txt requirements.lock ./'],
      ['RUN', 'pip install --no-cache-dir -r requirements.txt'],
      // The script and its params only: not the folder's .trail-verify/ or a .venv.
      ['COPY', 'pipeline.py params.yaml ./'],
      ['CMD', '["python", "pipeline.py"]']
    ]);
    const dockerfile = DockerfileParser.parse(content);
    const [from] = dockerfile.getFROMs();
    expect([from.getImageName(), from.getImageTag()]).toEqual([
      'python',
      '3.11-slim'
    ]);
    // The exec form: python gets pipeline.py as its one argument, with no shell between.
    const cmd = dockerfile.getCMDs()[0];
    expect(cmd.getJSONStrings().map(s => s.getJSONValue())).toEqual([
      'python',
      'pipeline.py'
    ]);
  });

  it("falls back to Python 3's slim image when the recording did not say which Python ran", () => {
    const unknown = fileOf(
      buildPipeline(sampleSpec({ environment: undefined })),
      'Dockerfile'
    );
    expect(validate(unknown)).toEqual([]);
    expect(instructions(unknown)[0]).toEqual(['FROM', 'python:3-slim']);
  });
});
