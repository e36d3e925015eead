/**
 * Exporting a recorded run as a pipeline from the panel (issue #15,
 * contract E): the API's shapes, the workspace folder it is written to,
 * the export's state and what its report shows. No DOM here.
 */
export * from './types';
export * from './folder';
export * from './report';
export * from './exportModel';
export * from './verifyModel';
