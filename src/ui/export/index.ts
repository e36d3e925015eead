/**
 * Exporting a recorded run as a pipeline (#15): the dialog's body and the
 * report in the main area.
 */
export * from './exportDialog';
export * from './exportWidget';
export * from './reportSections';
export * from './verifySection';
