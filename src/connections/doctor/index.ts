// "Test connection": the doctor and what it reports.
export { runDoctor, type RunDoctorOptions } from './run-doctor.js';
export { DoctorCodes, type DoctorCode } from './doctor-codes.js';
export type { CheckStatus, DoctorCheck, DoctorReport, FeatureAccess } from './doctor-types.js';
