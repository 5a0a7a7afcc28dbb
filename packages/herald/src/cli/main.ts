#!/usr/bin/env node
/** The `herald` command. */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { CliError } from "./cli-error.js";
import { deliveriesCommand } from "./deliveries/index.js";
import { eventsCommand } from "./events/index.js";
import { listenCommand } from "./listen/index.js";
import { rotateMasterKeyCommand } from "./rotate-master-key.js";
import { serveCommand } from "./serve.js";
import { triggerCommand } from "./trigger.js";
import { webhooksCommand } from "./webhooks/index.js";

const program = new Command()
  .name("herald")
  .description("Herald: durable, signed webhook delivery for payment platforms")
  .version(VERSION);

program
  .addCommand(serveCommand())
  .addCommand(listenCommand())
  .addCommand(triggerCommand())
  .addCommand(webhooksCommand())
  .addCommand(eventsCommand())
  .addCommand(deliveriesCommand())
  .addCommand(rotateMasterKeyCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`herald: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
});
