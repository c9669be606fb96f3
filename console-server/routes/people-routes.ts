import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { requireRole } from '../access/guard';
import { auditRequest } from '../access/request-audit';
import { ApiError, apiErrors } from '../errors';
import { hashPassword } from '../people/passwords';
import { ALL_APPS, type RoleGrant } from '../people/roles';
import {
  displayNameSchema,
  loginSchema,
  newPasswordSchema,
  personWithRolesSchema,
  rolesSchema,
} from './schemas';

const personIdParams = {
  type: 'object',
  required: ['personId'],
  properties: { personId: { type: 'string', pattern: '^[1-9][0-9]{0,15}$' } },
} as const;

function checkDistinctApps(roles: readonly RoleGrant[]): void {
  const seen = new Set<string>();
  for (const { appId } of roles) {
    if (seen.has(appId)) throw apiErrors.invalid('body.roles', `names app ${appId} twice`);
    seen.add(appId);
  }
}

/**
 * People and their roles. Managing people is a team admin's job (admin on every app, '*'):
 * an admin of one app must not be able to create accounts or raise anyone on other apps.
 */
export const peopleRoutes: FastifyPluginAsync = async (app) => {
  const { people, sessions, passwordCost } = app.team;

  function found(request: FastifyRequest<{ Params: { personId: string } }>) {
    const person = people.byId(Number(request.params.personId));
    if (!person) throw apiErrors.notFound(`No person with ID ${request.params.personId}`);
    return person;
  }

  function withRoles(id: number) {
    return { ...people.byId(id)!, roles: people.roles(id) };
  }

  /** Refuses a change that would leave no enabled team admin (nobody could manage people). */
  function keepATeamAdmin(changedId: number, stillTeamAdmin: boolean): void {
    if (stillTeamAdmin) return;
    const others = people.teamAdminIds().filter((id) => id !== changedId);
    if (others.length === 0) {
      throw new ApiError(
        409,
        'LAST_TEAM_ADMIN',
        'This would leave no enabled admin of every app; make someone else one first',
      );
    }
  }

  app.get(
    '/people',
    { schema: { response: { 200: { type: 'array', items: personWithRolesSchema } } } },
    async (request) => {
      requireRole(request, ALL_APPS, 'admin');
      return people.list();
    },
  );

  app.post<{ Body: { login: string; displayName: string; password: string; roles?: RoleGrant[] } }>(
    '/people',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['login', 'displayName', 'password'],
          properties: {
            login: loginSchema,
            displayName: displayNameSchema,
            password: newPasswordSchema,
            roles: rolesSchema,
          },
        },
        response: { 201: personWithRolesSchema },
      },
    },
    async (request, reply) => {
      requireRole(request, ALL_APPS, 'admin');
      const { login, displayName, password, roles = [] } = request.body;
      checkDistinctApps(roles);
      if (people.byLogin(login)) throw apiErrors.conflict(`The login ${login} is taken`);
      const passwordHash = await hashPassword(password, passwordCost);
      // Checked again after the hash's await: another request may have taken the name meanwhile.
      if (people.byLogin(login)) throw apiErrors.conflict(`The login ${login} is taken`);
      const person = people.create({ login, displayName, passwordHash });
      people.setRoles(person.id, roles);
      auditRequest(request, {
        action: 'person.create',
        target: login,
        status: 201,
        details: { displayName, roles },
      });
      return reply.code(201).send(withRoles(person.id));
    },
  );

  app.put<{
    Params: { personId: string };
    Body: { displayName: string; disabled: boolean; password?: string };
  }>(
    '/people/:personId',
    {
      schema: {
        params: personIdParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['displayName', 'disabled'],
          properties: {
            displayName: displayNameSchema,
            disabled: { type: 'boolean' },
            password: newPasswordSchema,
          },
        },
        response: { 200: personWithRolesSchema },
      },
    },
    async (request) => {
      const signedIn = requireRole(request, ALL_APPS, 'admin');
      const person = found(request);
      const { displayName, disabled, password } = request.body;
      const isTeamAdmin = people.teamAdminIds().includes(person.id);
      if (disabled && isTeamAdmin) keepATeamAdmin(person.id, false);
      const passwordHash = password ? await hashPassword(password, passwordCost) : undefined;
      people.update(person.id, { displayName, disabled });
      if (passwordHash) people.setPasswordHash(person.id, passwordHash);
      // A disabled person, or one whose password changed, is signed out everywhere (but an
      // admin changing their own password keeps the session they are using).
      if (disabled || passwordHash) {
        const keep = person.id === signedIn.person.id ? signedIn.session : undefined;
        sessions.endAllOf(person.id, disabled ? undefined : keep);
      }
      auditRequest(request, {
        action: 'person.update',
        target: person.login,
        status: 200,
        details: {
          before: { displayName: person.displayName, disabled: person.disabled },
          after: { displayName, disabled },
          passwordChanged: Boolean(passwordHash),
        },
      });
      return withRoles(person.id);
    },
  );

  app.put<{ Params: { personId: string }; Body: { roles: RoleGrant[] } }>(
    '/people/:personId/roles',
    {
      schema: {
        params: personIdParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['roles'],
          properties: { roles: rolesSchema },
        },
        response: { 200: personWithRolesSchema },
      },
    },
    async (request) => {
      requireRole(request, ALL_APPS, 'admin');
      const person = found(request);
      const { roles } = request.body;
      checkDistinctApps(roles);
      const before = people.roles(person.id);
      const wasTeamAdmin = people.teamAdminIds().includes(person.id);
      const staysTeamAdmin = roles.some((g) => g.appId === ALL_APPS && g.role === 'admin');
      if (wasTeamAdmin) keepATeamAdmin(person.id, staysTeamAdmin);
      people.setRoles(person.id, roles);
      auditRequest(request, {
        action: 'person.roles',
        target: person.login,
        status: 200,
        details: { before, after: roles },
      });
      return withRoles(person.id);
    },
  );
};
