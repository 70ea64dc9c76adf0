import { AzdoError } from '../errors/azdo-error.js';

export const ServicePrincipalErrorCodes = {
  INPUT_INVALID: 'AZDO_SP_INPUT_INVALID',
  TENANT_NOT_FOUND: 'AZDO_SP_TENANT_NOT_FOUND',
  CLIENT_NOT_FOUND: 'AZDO_SP_CLIENT_NOT_FOUND',
  SECRET_INVALID: 'AZDO_SP_SECRET_INVALID',
  SECRET_EXPIRED: 'AZDO_SP_SECRET_EXPIRED',
  SCOPE_INVALID: 'AZDO_SP_SCOPE_INVALID',
  TOKEN_FAILED: 'AZDO_SP_TOKEN_FAILED',
  SERVER_UNSUPPORTED: 'AZDO_SP_SERVER_UNSUPPORTED',
} as const;

/** The parts of an Entra error body (ENTRA §1.5) worth keeping; none of them holds the client secret. */
export interface EntraErrorBody {
  error?: string;
  error_description?: string;
  error_codes?: number[];
  trace_id?: string;
  correlation_id?: string;
  timestamp?: string;
}

export interface TokenRequestContext {
  tenantId: string;
  clientId: string;
  authority: string;
  /** Only to scrub it from anything echoed back, in case a proxy or a future Entra message repeats it. */
  clientSecret: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PORTAL = 'Azure portal > Microsoft Entra ID > App registrations > your app';

export function scrub(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}

export function isEntraErrorBody(value: unknown): value is EntraErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as EntraErrorBody).error === 'string';
}

/** The AADSTS number: from `error_codes`, or failing that from the description's "AADSTSnnnn:" prefix. */
function aadstsCode(body: EntraErrorBody): number | undefined {
  const first = Array.isArray(body.error_codes) ? body.error_codes[0] : undefined;
  if (typeof first === 'number') return first;
  const match = /AADSTS(\d+)/.exec(body.error_description ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Turns Entra's answer to a failed client-credentials request into an AzdoError a user can act on. The AADSTS
 * code, trace and correlation ids stay in `details` so support can find the request in Entra's sign-in logs.
 */
export function entraTokenError(status: number, body: EntraErrorBody, ctx: TokenRequestContext): AzdoError {
  const code = aadstsCode(body);
  const firstLine = scrub((body.error_description ?? '').split(/\r?\n/)[0] ?? '', ctx.clientSecret).slice(0, 500);
  const details: Record<string, unknown> = {
    status,
    error: body.error,
    ...(code !== undefined ? { aadsts: `AADSTS${code}` } : {}),
    ...(body.trace_id ? { traceId: body.trace_id } : {}),
    ...(body.correlation_id ? { correlationId: body.correlation_id } : {}),
    ...(body.timestamp ? { timestamp: body.timestamp } : {}),
    ...(firstLine ? { description: firstLine } : {}),
    tenantId: ctx.tenantId,
    clientId: ctx.clientId,
    authority: ctx.authority,
  };
  const make = (errorCode: string, message: string, hint: string) =>
    new AzdoError(errorCode, `${message}${code !== undefined ? ` (AADSTS${code})` : ''}`, hint, details);

  switch (code) {
    case 90002:
    case 900023:
      return make(
        ServicePrincipalErrorCodes.TENANT_NOT_FOUND,
        `Entra ID has no tenant "${ctx.tenantId}".`,
        `Use the Directory (tenant) ID shown on the app's Overview page (${PORTAL}), or the tenant's domain such as ` +
          'contoso.onmicrosoft.com. A tenant of another cloud (US Government, China) needs that cloud\'s authority.',
      );
    case 700016:
      return make(
        ServicePrincipalErrorCodes.CLIENT_NOT_FOUND,
        `Entra tenant "${ctx.tenantId}" has no application with client ID "${ctx.clientId}".`,
        `Use the Application (client) ID shown on the app's Overview page (${PORTAL}), not its Object ID, and the ` +
          'tenant the app is registered in.',
      );
    case 7000215:
      return make(
        ServicePrincipalErrorCodes.SECRET_INVALID,
        `Entra ID refused the client secret of application "${ctx.clientId}".`,
        'Use the secret VALUE, not its ID: the value is shown only once, when the secret is created ' +
          `(${PORTAL} > Certificates & secrets). If you no longer have it, create a new secret.` +
          (GUID.test(ctx.clientSecret.trim()) ? ' The secret given has the shape of a GUID, which is what secret IDs look like.' : ''),
      );
    case 7000222:
      return make(
        ServicePrincipalErrorCodes.SECRET_EXPIRED,
        `The client secret of application "${ctx.clientId}" has expired.`,
        `Create a new client secret (${PORTAL} > Certificates & secrets) and update this connection with its value.`,
      );
    case 500011:
      return make(
        ServicePrincipalErrorCodes.SCOPE_INVALID,
        `Entra tenant "${ctx.tenantId}" does not know the Azure DevOps resource.`,
        'Check that an Azure DevOps organization is connected to this tenant (Organization settings > Microsoft Entra) ' +
          'and that the tenant is the right one.',
      );
    default:
      if (body.error === 'invalid_scope' || code === 70011 || code === 1002012 || code === 28002) {
        return make(
          ServicePrincipalErrorCodes.SCOPE_INVALID,
          'Entra ID refused the Azure DevOps scope (499b84ac-1321-427f-aa17-267ca6975798/.default).',
          'Check that the authority is Microsoft Entra ID (https://login.microsoftonline.com or your cloud\'s) and not another identity provider.',
        );
      }
      return make(
        ServicePrincipalErrorCodes.TOKEN_FAILED,
        `Entra ID refused the token request${body.error ? `: ${body.error}` : ''}.`,
        code !== undefined
          ? `Look the code up at https://login.microsoftonline.com/error?code=${code}; the trace ID in the details finds the request in the tenant's sign-in logs.`
          : 'Check the tenant, the client ID, the secret and the authority.',
      );
  }
}

export function tokenFailed(message: string, hint: string, details: Record<string, unknown>): AzdoError {
  return new AzdoError(ServicePrincipalErrorCodes.TOKEN_FAILED, message, hint, details);
}
