import { RegistryError } from "../core/errors.ts";

/** A command line the CLI cannot act on: exit status 2, one line that points to `--help`. */
export class UsageError extends RegistryError<"USAGE"> {
  constructor(message: string) {
    super("USAGE", message);
    this.name = "UsageError";
  }
}
