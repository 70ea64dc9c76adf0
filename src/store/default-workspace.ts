/** The workspace the first migration creates: the CLI keeps its connections there. */
export const DEFAULT_WORKSPACE_ID = 'default';
