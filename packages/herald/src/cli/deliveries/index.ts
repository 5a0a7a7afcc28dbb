import { Command } from "commander";
import { listDeliveriesCommand } from "./list.js";

export function deliveriesCommand(): Command {
  return new Command("deliveries").description("Inspect deliveries").addCommand(listDeliveriesCommand());
}
