import { Command } from "commander";
import { createWebhookCommand } from "./create.js";
import { deleteWebhookCommand } from "./delete.js";
import { listWebhooksCommand } from "./list.js";
import { setWebhookStatusCommand } from "./set-status.js";

export function webhooksCommand(): Command {
  return new Command("webhooks")
    .description("Manage webhook endpoints")
    .addCommand(listWebhooksCommand())
    .addCommand(createWebhookCommand())
    .addCommand(setWebhookStatusCommand("disabled"))
    .addCommand(setWebhookStatusCommand("enabled"))
    .addCommand(deleteWebhookCommand());
}
