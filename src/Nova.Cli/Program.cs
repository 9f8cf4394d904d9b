using System.CommandLine;
using Nova.Cli;
using Nova.Cli.Commands;

var root = new RootCommand("nova: multi-region incident management. Start a local topology with 'nova up', then create a tenant and a service.");
root.Options.Add(CommonOptions.Json);
root.Options.Add(CommonOptions.Data);
root.Subcommands.Add(ServeCommands.Up());
root.Subcommands.Add(ServeCommands.Control());
root.Subcommands.Add(ServeCommands.Region());
root.Subcommands.Add(TenantCommands.Create());
root.Subcommands.Add(ServiceCommands.Create());
root.Subcommands.Add(ApiKeyCommands.Create());
root.Subcommands.Add(IncidentCommands.Create());
root.Subcommands.Add(AuditCommands.Create());
return await Cli.RunAsync(root, args);
