import { z } from 'zod';
import { chatAdapterFactory } from '../../src/chat/adapter.js';
import { envSection } from '../../src/config/env-section.js';

/**
 * A platform that config/ has never heard of: its variables, its cross-check, its settings and its people
 * key are declared by its factory alone, as a new folder in src/chat would declare them.
 */
export const teamsChat = chatAdapterFactory({
  platform: 'teams',
  people: true,
  env: envSection({
    shape: {
      TEAMS_APP_ID: z.string().startsWith('app-', 'must start with app-').optional(),
      TEAMS_APP_PASSWORD: z.string().min(8, 'is too short').optional(),
    },
    check: (env, problem) => {
      if (!!env.TEAMS_APP_ID !== !!env.TEAMS_APP_PASSWORD)
        problem(env.TEAMS_APP_ID ? 'TEAMS_APP_PASSWORD' : 'TEAMS_APP_ID', 'is required with the other Teams key');
    },
    settings: (env) =>
      env.TEAMS_APP_ID && env.TEAMS_APP_PASSWORD
        ? { appId: env.TEAMS_APP_ID, password: env.TEAMS_APP_PASSWORD }
        : undefined,
  }),
  create: (p, settings) => ({
    platform: 'teams',
    // What the adapter was given, for the test to read back: its settings, and who T1 is in the directory.
    name: `Teams app ${settings.appId} (T1 is ${p.directory.byPlatform('teams', 'T1')?.name})`,
    routes: [],
    start: async () => {},
    stop: async () => {},
    post: async () => 'ref',
    update: async () => {},
  }),
});
