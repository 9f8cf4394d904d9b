using System.CommandLine;

namespace Nova.Cli.Commands;

/// <summary>The whole <c>nova</c> command tree (also walked by tests that check every option).</summary>
internal static class NovaCommand
{
    public static RootCommand Create()
    {
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
        return root;
    }
}
