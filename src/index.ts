// The azdo-connect library: what products import to speak Azure DevOps.
export * from './azure/urls.js';
export { AzdoError } from './errors/azdo-error.js';
export * from './azure/client/index.js';
