// Reading Group Policy values from the Windows registry. The core cannot use a native registry
// module (no compiler on IT's build path, and it would tie the core to Windows), so the real
// reader runs `reg query` and parses its output; tests use the in-memory twin.
import { execFile, execFileSync } from 'node:child_process';

export type Hive = 'HKLM' | 'HKCU';

export type RegistryValue =
  | { type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string }
  | { type: 'REG_DWORD' | 'REG_QWORD'; value: number }
  | { type: 'REG_MULTI_SZ'; value: string[] }
  | { type: 'REG_BINARY' | 'REG_NONE'; value: string };

export interface RegistryReader {
  /** Values directly under `hive\path`; an empty map when the key does not exist. */
  readValues(hive: Hive, path: string): Promise<Map<string, RegistryValue>>;
}

/** The same, blocking: for the policy read before Electron is ready (core/app/data-location.ts). */
export interface SyncRegistryReader {
  readValuesSync(hive: Hive, path: string): Map<string, RegistryValue>;
}

const LINE = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/** Parses the output of `reg query <key>` (values of that key only; subkeys are ignored). */
export function parseRegQueryOutput(output: string): Map<string, RegistryValue> {
  const values = new Map<string, RegistryValue>();
  for (const rawLine of output.split(/\r?\n/)) {
    const match = LINE.exec(rawLine);
    if (!match) continue;
    const [, name, type, data = ''] = match as unknown as [string, string, string, string | undefined];
    switch (type) {
      case 'REG_SZ':
      case 'REG_EXPAND_SZ':
        values.set(name, { type, value: data });
        break;
      case 'REG_DWORD':
      case 'REG_QWORD': {
        const number = Number.parseInt(data, 16);
        if (Number.isFinite(number)) values.set(name, { type, value: number });
        break;
      }
      case 'REG_MULTI_SZ':
        // reg.exe prints the separators as the two characters backslash and zero.
        values.set(name, { type, value: data === '' ? [] : data.split('\\0').filter((s) => s !== '') });
        break;
      case 'REG_BINARY':
      case 'REG_NONE':
        values.set(name, { type, value: data });
        break;
    }
  }
  return values;
}

type Exec = (file: string, args: string[]) => Promise<{ stdout: string; code: number }>;

const execReg: Exec = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 5_000, encoding: 'utf8' }, (error, stdout) => {
      const code =
        error && typeof (error as { code?: unknown }).code === 'number'
          ? (error as { code: number }).code
          : error
            ? 1
            : 0;
      resolve({ stdout: stdout ?? '', code });
    });
  });

/** The real reader (Windows). A missing key makes reg.exe exit 1: that is "no values", not an error. */
export function createRegQueryReader(exec: Exec = execReg): RegistryReader {
  return {
    async readValues(hive, path) {
      const { stdout, code } = await exec('reg', ['query', `${hive}\\${path}`]);
      return code === 0 ? parseRegQueryOutput(stdout) : new Map();
    },
  };
}

type ExecSync = (file: string, args: string[]) => { stdout: string; code: number };

const execRegSync: ExecSync = (file, args) => {
  try {
    return {
      stdout: execFileSync(file, args, {
        windowsHide: true,
        timeout: 5_000,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
      code: 0,
    };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    return { stdout: '', code: typeof status === 'number' ? status : 1 };
  }
};

/** The real blocking reader (Windows), with reg.exe's rules as createRegQueryReader. */
export function createRegQuerySyncReader(exec: ExecSync = execRegSync): SyncRegistryReader {
  return {
    readValuesSync(hive, path) {
      const { stdout, code } = exec('reg', ['query', `${hive}\\${path}`]);
      return code === 0 ? parseRegQueryOutput(stdout) : new Map();
    },
  };
}

/** In-memory twin for tests and non-Windows platforms' tests. */
export class FakeRegistry implements RegistryReader, SyncRegistryReader {
  readonly #keys = new Map<string, Map<string, RegistryValue>>();
  set(hive: Hive, path: string, name: string, value: RegistryValue): this {
    const id = `${hive}\\${path}`.toLowerCase();
    const key = this.#keys.get(id) ?? new Map<string, RegistryValue>();
    key.set(name, value);
    this.#keys.set(id, key);
    return this;
  }
  async readValues(hive: Hive, path: string): Promise<Map<string, RegistryValue>> {
    return this.readValuesSync(hive, path);
  }
  readValuesSync(hive: Hive, path: string): Map<string, RegistryValue> {
    return new Map(this.#keys.get(`${hive}\\${path}`.toLowerCase()) ?? []);
  }
}
