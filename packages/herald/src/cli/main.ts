#!/usr/bin/env node
/** The `herald` command. */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { serveCommand } from "./serve.js";

const program = new Command()
  .name("herald")
  .description("Herald: durable, signed webhook delivery for payment platforms")
  .version(VERSION);

program.addCommand(serveCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`herald: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
