// The report formats, in the order --help lists them (kept apart from the reporters so that the
// command line can check --format without loading them).
export type ReportFormat = 'text' | 'json' | 'sarif' | 'github' | 'compact' | 'gitlab' | 'junit';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'github', 'compact', 'gitlab', 'junit'];
