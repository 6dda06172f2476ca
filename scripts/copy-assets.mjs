// tsc compiles only TypeScript; the Lua scripts, the console page, the pages' scripts and the archive's SQL
// migrations are copied beside the output.
import { cpSync } from 'node:fs';
cpSync('src/store/lua', 'dist/store/lua', { recursive: true });
cpSync('src/chat/console/page.html', 'dist/chat/console/page.html');
cpSync('src/http/scripts', 'dist/http/scripts', { recursive: true });
cpSync('src/archive/migrations', 'dist/archive/migrations', { recursive: true });
