import { exitOnClosedStdout, exitOnSignals } from '../run-end.js';
import { main } from './main.js';

exitOnSignals();
exitOnClosedStdout();

const code = await main(process.argv);
process.exitCode = code;
