/**
 * The worker side of Pool.ts: reads the roster files it is sent. Several at a time (the pool caps
 * how many are in flight), so one file's disk read overlaps another's parsing.
 */
import { parentPort, workerData } from "node:worker_threads"
import type { WorkerInit, WorkerRequest, WorkerResponse } from "./Pool.js"
import { readRosterFile } from "./Roster.js"
import { makeUnitIndex } from "./Units.js"

const init = workerData as WorkerInit
const index = makeUnitIndex(init.units, init.aliases)
const port = parentPort!

port.on("message", (m: WorkerRequest) => {
  void readRosterFile(init.dir, m.rel, index).then((extract) => port.postMessage({ id: m.id, extract } satisfies WorkerResponse))
})
