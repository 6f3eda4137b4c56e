// Child processes of the bench: every one is started detached in its own process group (npx -> node ->
// workerd all share it), tracked, and its whole group is killed at the end, also on error or Ctrl-C.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

const groups = new Set();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Running members of a process group as { pid, ppid, comm } (zombies don't count). Linux: /proc; elsewhere kill(-pgid, 0). */
export function groupProcesses(pgid) {
  if (existsSync("/proc/self/stat")) {
    const found = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // gone meanwhile
      }
      // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") found.push({ pid: Number(entry), ppid: Number(fields[1]), comm });
    }
    return found;
  }
  try {
    process.kill(-pgid, 0);
    return [{ pid: pgid, ppid: process.pid, comm: "?" }];
  } catch {
    return [];
  }
}

export function groupMembers(pgid) {
  return groupProcesses(pgid).map((p) => p.pid);
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM the group, wait (bounded), then SIGKILL what is left. Resolves with the pids that survived (should be none). */
export async function killGroup(pgid, { graceMs = 5_000 } = {}) {
  // workerd first, while its parent (wrangler) is alive to reap it: signalled together, wrangler
  // tends to exit first and leave workerd zombies for init. Its state is a temp dir we delete anyway.
  const runtimes = groupProcesses(pgid).filter((p) => p.comm === "workerd").map((p) => p.pid);
  for (const pid of runtimes) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  for (let i = 0; i < 30 && runtimes.some((pid) => existsSync(`/proc/${pid}`)); i++) await sleep(100);
  if (groupMembers(pgid).length > 0) {
    signalGroup(pgid, "SIGTERM");
    for (let waited = 0; waited < graceMs && groupMembers(pgid).length > 0; waited += 100) await sleep(100);
    if (groupMembers(pgid).length > 0) {
      signalGroup(pgid, "SIGKILL");
      for (let i = 0; i < 50 && groupMembers(pgid).length > 0; i++) await sleep(100);
    }
  }
  const left = groupMembers(pgid);
  if (left.length === 0) groups.delete(pgid);
  return left;
}

export async function killAll() {
  const left = [];
  for (const pgid of [...groups]) left.push(...(await killGroup(pgid)));
  return left;
}

/** Last resort from process.on("exit"): no waiting possible there, so straight SIGKILL. */
export function killAllSync() {
  for (const pgid of groups) signalGroup(pgid, "SIGKILL");
  groups.clear();
}

/**
 * Start `cmd args` detached in a new process group with stdout/stderr piped; keeps the first and last
 * `keep / 2` characters of the combined output for error messages (and all of stdout in `stdout()`).
 */
export function startGroup(cmd, args, { cwd, env = process.env, keep = 8_000, echo = false } = {}) {
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  if (child.pid) groups.add(child.pid);
  let head = "";
  let tail = "";
  let total = 0;
  let out = "";
  const add = (chunk, isStdout) => {
    const text = chunk.toString();
    if (isStdout) out += text;
    if (head.length < keep / 2) head += text.slice(0, keep / 2 - head.length);
    total += text.length;
    tail = (tail + text).slice(-keep / 2);
    if (echo) process.stderr.write(text);
  };
  // The start of the output (where the error usually is) and its end; the middle is elided when long.
  const output = () => (total <= head.length + tail.length ? head + tail.slice(head.length + tail.length - total) : `${head}\n[… ${total - head.length - tail.length} characters …]\n${tail}`);
  child.stdout.on("data", (c) => add(c, true));
  child.stderr.on("data", (c) => add(c, false));
  const exited = new Promise((resolve) => {
    child.on("error", (err) => {
      add(`\n${err.message}`, false);
      resolve({ code: null, signal: null, error: err });
    });
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, pgid: child.pid, exited, output, stdout: () => out };
}

/** Run a command to completion in its own group; throws with the command's output when it fails or overruns `timeoutMs`. */
export async function runStep(cmd, args, { cwd, env, timeoutMs = 180_000, echo = false } = {}) {
  const proc = startGroup(cmd, args, { cwd, env, echo });
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const result = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  // A finished step should leave nothing behind (getPlatformProxy's workerd); make sure of it.
  if (proc.pgid) await killGroup(proc.pgid, { graceMs: 2_000 });
  const line = `${cmd} ${args.join(" ")}`;
  if (result === "timeout") throw new Error(`${line} did not finish within ${timeoutMs / 1000} s\n${proc.output()}`);
  if (result.code !== 0) throw new Error(`${line} failed (exit ${result.code ?? result.signal})\n${proc.output()}`);
  return proc.stdout();
}

function procTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
  } catch {
    return 0;
  }
}

// /proc/*/stat and /proc/stat count in USER_HZ ticks, which Linux fixes at 100 per second.
const TICK_MS = 10;

/**
 * CPU accounting from /proc (null elsewhere): whole-machine busy and total ticks (/proc/stat), this
 * process's ticks (autocannon runs here) and the ticks of the server's process group (wrangler + workerd).
 */
export function cpuSample(serverPgid) {
  if (!existsSync("/proc/stat")) return null;
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  let server = 0;
  for (const pid of groupMembers(serverPgid)) server += procTicks(pid);
  return { busy, all: busy + idle + iowait, self: procTicks("self"), server };
}

/** Average number of CPUs used by processes other than ours (this one and the server's) between two samples. */
export function foreignCpus(before, after, cpuCount) {
  if (!before || !after || after.all <= before.all) return NaN;
  const foreign = after.busy - before.busy - (after.self - before.self) - (after.server - before.server);
  return Math.min(cpuCount, Math.max(0, (foreign / (after.all - before.all)) * cpuCount));
}

/** CPU time (ms) the server's processes used between two samples. */
export function serverCpuMs(before, after) {
  if (!before || !after) return NaN;
  return (after.server - before.server) * TICK_MS;
}
