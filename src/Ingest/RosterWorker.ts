/**
 * The worker side of Pool.ts: takes the directory and unit tree, then reads the roster files it is
 * sent, in the order sent (the pool caps how many are queued).
 */
import { parentPort } from "node:worker_threads"
import { type DecodeEnv, NO_ENV } from "./Fields.js"
import type { WorkerRequest, WorkerResponse } from "./Pool.js"
import { readRosterFile } from "./Roster.js"
import { makeUnitIndex, type UnitIndex } from "./Units.js"

const port = parentPort!
let dir = ""
let index: UnitIndex | null = null
let env: DecodeEnv = NO_ENV

port.on("message", (m: WorkerRequest) => {
  if (m.type === "init") {
    dir = m.dir
    index = makeUnitIndex(m.units, m.aliases)
    env = m.env ?? NO_ENV
    return
  }
  const id = m.id
  void readRosterFile(dir, m.rel, index!, env).then((extract) => port.postMessage({ id, extract } satisfies WorkerResponse))
})
