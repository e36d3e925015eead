/**
 * What the benchmark checks of each recorded session besides the replay's
 * verdicts, through the client as a viewer reads them:
 * - the notebook at its last step (GET /steps/{total}) is the notebook as
 *   written: every cell in order, markdown with its text, every code cell
 *   run with its code, the last code cell current;
 * - once replayed, the replay is listed under the session
 *   (GET /sessions/{id}/replays) and names it in its lineage.
 */

/** Problems with the notebook at the last step (empty when none). */
export async function checkStructure(client, recording, notebook) {
  const problems = [];
  const total = recording.steps.length;
  const list = await client.getSteps(recording.sessionId);
  if (list.total !== total) {
    problems.push(`steps: ${list.total}, ran ${total}`);
  }
  if (!list.structured) {
    problems.push('not structured');
  }
  const at = await client.getStep(recording.sessionId, total);
  if (at.cells.length !== notebook.cells.length) {
    problems.push(
      `${at.cells.length} cells at the last step, the notebook has ${notebook.cells.length}`
    );
  }
  const lastCode = recording.steps[recording.steps.length - 1]?.cellId;
  at.cells.forEach((cell, i) => {
    const written = notebook.cells[i];
    if (!written) {
      return;
    }
    if (cell.cellType !== written.cellType) {
      problems.push(
        `cell ${i + 1}: ${cell.cellType}, written ${written.cellType}`
      );
    }
    const source = cell.source ?? cell.execution?.code;
    if (source !== written.source) {
      problems.push(`cell ${i + 1}: its source differs`);
    }
    if (written.cellType === 'code' && cell.state !== 'ran') {
      problems.push(`cell ${i + 1}: ${cell.state}`);
    }
    if (cell.current !== (cell.cellId === lastCode)) {
      problems.push(`cell ${i + 1}: current ${cell.current}`);
    }
  });
  return problems;
}

/** Problems with the replay's listing under its source (empty when none). */
export async function checkReplayListed(client, sourceId, replayId) {
  if (!replayId) {
    return ['no replay session'];
  }
  const page = await client.listReplays(sourceId);
  const replay = page.items.find(s => s.id === replayId);
  if (!replay) {
    return [`replay ${replayId} not listed under ${sourceId}`];
  }
  const lineage = replay.lineage;
  if (lineage?.kind !== 'replay' || lineage.sessionId !== sourceId) {
    return [`replay's lineage ${JSON.stringify(lineage)}`];
  }
  return [];
}
