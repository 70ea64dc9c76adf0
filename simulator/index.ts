export { startSimulator, type StartSimulatorOptions, type RunningSimulator, type ReadyInfo, type ReadyUser } from './start-simulator.js';
export { SimulatorControl } from './control/simulator-control.js';
export { ControlError } from './control/control-error.js';
