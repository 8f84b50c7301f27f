import { exitOnSignals } from '../run-end.js';
import { main } from './main.js';

exitOnSignals();

const code = await main(process.argv);
process.exitCode = code;
