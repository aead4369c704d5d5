/**
 * The seccomp filter of a plugin without `process_spawn`, handed to bubblewrap (`--seccomp FD`),
 * which installs it just before it executes the plugin: fork, vfork and clone without CLONE_THREAD
 * fail with EPERM, clone3 with ENOSYS (so that the C library falls back to clone, whose flags a
 * filter can read); threads are created as before. A classic BPF program is a few bytes, so it is
 * written here rather than taken from a native library. Linux on x86-64 and arm64 only; elsewhere
 * there is no filter (and `process_spawn` stays recorded only, see docs/sandbox.md).
 */

/** Per architecture: the audit value of the architecture, and its syscall numbers. */
const ARCHES: Record<string, { audit: number; clone: number; clone3: number; forks: number[] }> = {
  x64: { audit: 0xc000003e, clone: 56, clone3: 435, forks: [57, 58] },
  arm64: { audit: 0xc00000b7, clone: 220, clone3: 435, forks: [] },
};

// Classic BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const ALLOW = 0x7fff0000;
const ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
const CLONE_THREAD = 0x10000;
/** x86-64's x32 system calls carry this bit: refused as a whole. */
const X32_BIT = 0x40000000;

type Instruction = [code: number, jt: number, jf: number, k: number];

/** The filter's instructions for `arch` (process.arch), or undefined where there is none. */
export function noSpawnProgram(arch: string = process.arch): Instruction[] | undefined {
  const target = ARCHES[arch];
  if (!target) return undefined;
  const deny = (errno: number): Instruction => [RET_K, 0, 0, ERRNO | errno];
  const forks = target.forks.flatMap((nr): Instruction[] => [[JEQ_K, 0, 1, nr], deny(EPERM)]);
  return [
    [LD_W_ABS, 0, 0, 4], // seccomp_data.arch
    [JEQ_K, 1, 0, target.audit],
    deny(EPERM), // another architecture's calls (i386 on x86-64): refused
    [LD_W_ABS, 0, 0, 0], // seccomp_data.nr
    [JGE_K, 0, 1, X32_BIT],
    deny(EPERM),
    ...forks,
    [JEQ_K, 0, 1, target.clone3],
    deny(ENOSYS),
    [JEQ_K, 0, 3, target.clone],
    [LD_W_ABS, 0, 0, 16], // the low half of seccomp_data.args[0]: clone's flags
    [JSET_K, 1, 0, CLONE_THREAD],
    deny(EPERM),
    [RET_K, 0, 0, ALLOW],
  ];
}

/** The filter as bubblewrap reads it (struct sock_filter, native byte order), or undefined. */
export function noSpawnFilter(arch: string = process.arch): Buffer | undefined {
  const program = noSpawnProgram(arch);
  if (!program) return undefined;
  const out = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    out.writeUInt16LE(code, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return out;
}
