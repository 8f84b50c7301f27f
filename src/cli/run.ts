import { main } from './main.js';

const code = await main(process.argv);
process.exitCode = code;
