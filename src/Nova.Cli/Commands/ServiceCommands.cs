using System.CommandLine;
using Nova.Contracts;
using Spectre.Console;

namespace Nova.Cli.Commands;

internal static class ServiceCommands
{
    public static Command Create()
    {
        var path = new Argument<string>("tenant/service") { Description = "Tenant and service slugs, e.g. acme/payments." };
        var home = new Option<string>("--home") { Description = "Home region: must be one of the tenant's allowed regions.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (default: the slug)." };
        var stale = new Option<int?>("--stale-after") { Description = "Auto-resolve alerts not repeated for this many minutes (off by default)." };
        var create = new Command("create", "Create a service homed in a region; prints its integration key and ingest URLs.") { path, home, name, stale };
        create.SetAction(Cli.Action(async (parse, ct) =>
        {
            var (tenant, service) = Split(parse.GetValue(path)!);
            using var client = Cli.Client(parse);
            var created = await client.PostAsync<CreatedService>(
                client.Control($"/v1/tenants/{tenant}/services"),
                new CreateServiceRequest(service, parse.GetValue(name), parse.GetValue(home), parse.GetValue(stale)), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(created);
                return;
            }

            Console.WriteLine($"Created service {tenant}/{created.Service.Slug} in {created.Service.HomeRegion}.");
            Console.WriteLine($"  integration key     {created.IntegrationKey}   (shown once: store it now)");
            Console.WriteLine($"  Alertmanager/Grafana {created.Ingest.Alertmanager}   (Authorization: Bearer <key>)");
            Console.WriteLine($"                       {created.Ingest.AlertmanagerKeyInPath}   (key in the URL)");
            Console.WriteLine($"  PagerDuty Events v2  {created.Ingest.PagerDuty}   (routing_key = the key)");
        }));

        var listTenant = new Argument<string>("tenant") { Description = "Tenant slug." };
        var list = new Command("list", "List a tenant's services.") { listTenant };
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var services = await client.GetAsync<List<ServiceView>>(client.Control($"/v1/tenants/{Uri.EscapeDataString(parse.GetValue(listTenant)!)}/services"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(services);
                return;
            }

            var table = Cli.Table("SERVICE", "HOME REGION", "STALE AFTER", "INTEGRATIONS", "CREATED");
            foreach (var s in services)
            {
                table.AddRow(Cli.Esc(s.Slug), s.HomeRegion, s.StaleAfterMinutes is { } m ? $"{m} min" : "off",
                    string.Join(" ", s.Integrations.Select(i => i.KeyHint)), s.CreatedAt.ToString("u"));
            }

            AnsiConsole.Write(table);
        }));

        return new Command("service", "Services: where a tenant's alerts go and where their data lives.") { create, list };
    }

    internal static (string Tenant, string Service) Split(string path)
    {
        var parts = path.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CliError($"'{path}' must be TENANT/SERVICE, e.g. acme/payments");
        }

        return (Uri.EscapeDataString(parts[0]), parts[1]);
    }
}
