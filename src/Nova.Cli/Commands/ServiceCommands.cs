using System.CommandLine;
using Nova.Contracts;

namespace Nova.Cli.Commands;

internal static class ServiceCommands
{
    public static Command Create()
    {
        var serviceSlug = new Argument<string>("service") { Description = "Service slug, e.g. payments." };
        var tenant = TenantScope.Option();
        var home = new Option<string>("--home") { Description = "Home region: must be one of the tenant's allowed regions.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (default: the slug)." };
        var stale = new Option<int?>("--stale-after") { Description = "Auto-resolve alerts not repeated for this many minutes (off by default)." };
        var create = new Command("create", "Create a service homed in a region; prints its integration key and ingest URLs.") { serviceSlug, tenant, home, name, stale };
        create.SetAction(Cli.Action(async (parse, ct) =>
        {
            // TENANT/SERVICE (acme/payments) is the spelling from before --tenant; still accepted.
            var given = parse.GetValue(serviceSlug)!;
            (string? pathTenant, string service) = given.Contains('/', StringComparison.Ordinal) ? Split(given) : (null, given);
            using var client = Cli.Client(parse);
            var slug = await TenantScope.SlugAsync(client, TenantScope.Named(parse.GetValue(tenant), pathTenant), ct);
            var created = await client.PostAsync<CreatedService>(
                client.Control($"/v1/tenants/{Uri.EscapeDataString(slug)}/services"),
                new CreateServiceRequest(service, parse.GetValue(name), parse.GetValue(home), parse.GetValue(stale)), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(created);
                return;
            }

            Console.WriteLine($"Created service {slug}/{created.Service.Slug} in {created.Service.HomeRegion}.");
            Console.WriteLine($"  integration key        {created.IntegrationKey}   (shown once: store it now)");
            Console.WriteLine($"  Alertmanager/Grafana   {created.Ingest.Alertmanager}   (Authorization: Bearer <key>)");
            Console.WriteLine($"                         {created.Ingest.AlertmanagerKeyInPath}   (key in the URL)");
            Console.WriteLine($"  PagerDuty Events v2    {created.Ingest.PagerDuty}   (routing_key = the key)");
        }));

        var listTenant = TenantScope.Option();
        var listOldTenant = TenantScope.OldPositional();
        var list = new Command("list", "List a tenant's services.") { listTenant, listOldTenant };
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var slug = await TenantScope.SlugAsync(client, TenantScope.Named(parse.GetValue(listTenant), parse.GetValue(listOldTenant)), ct);
            var services = await client.GetAsync<List<ServiceView>>(client.Control($"/v1/tenants/{Uri.EscapeDataString(slug)}/services"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(services);
                return;
            }

            var table = new TextTable(["SERVICE", "HOME REGION", "STALE AFTER", "INTEGRATIONS", "CREATED"]);
            foreach (var s in services)
            {
                table.AddRow(s.Slug, s.HomeRegion, s.StaleAfterMinutes is { } m ? $"{m} min" : "off",
                    string.Join(" ", s.Integrations.Select(i => i.KeyHint)), s.CreatedAt.ToString("u"));
            }

            Cli.Write(table, $"{slug} has no services; create one with 'nova service create NAME --tenant {slug} --home REGION'.");
        }));

        return new Command("service", "Services: where a tenant's alerts go and where their data lives.") { create, list };
    }

    private static (string Tenant, string Service) Split(string path)
    {
        var parts = path.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CliError($"'{Cli.Safe(path)}' must be a service slug (e.g. payments, with --tenant acme) or TENANT/SERVICE (e.g. acme/payments)");
        }

        return (parts[0], parts[1]);
    }
}
