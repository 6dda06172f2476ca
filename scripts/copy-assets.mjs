// tsc compiles only TypeScript; the Lua scripts and the console page are copied beside the output.
import { cpSync } from 'node:fs';
cpSync('src/store/lua', 'dist/store/lua', { recursive: true });
cpSync('src/chat/console/page.html', 'dist/chat/console/page.html');
