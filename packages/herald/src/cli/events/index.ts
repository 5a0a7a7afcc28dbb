import { Command } from "commander";
import { listEventsCommand } from "./list.js";
import { resendEventCommand } from "./resend.js";

export function eventsCommand(): Command {
  return new Command("events")
    .description("Inspect and resend events")
    .addCommand(listEventsCommand())
    .addCommand(resendEventCommand());
}
