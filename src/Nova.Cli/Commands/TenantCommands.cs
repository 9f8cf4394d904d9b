using System.CommandLine;
using System.Text.RegularExpressions;
using Nova.Contracts;

namespace Nova.Cli.Commands;

internal static partial class TenantCommands
{
    /// <summary>What to run when there is no tenant yet.</summary>
    public const string CreateHint = "create one with 'nova tenant create SLUG --allowed-regions REGION,...'.";

    public static Command Create()
    {
        var slug = new Argument<string>("slug") { Description = "Short name: lowercase letters, digits, hyphens (e.g. acme)." };
        var name = new Option<string?>("--name") { Description = "Display name (default: the slug)." };
        var plan = new Option<string>("--plan") { Description = "free, team, business or enterprise.", DefaultValueFactory = _ => "team" };
        var allowed = new Option<string>("--allowed-regions") { Description = "Comma-separated regions the tenant's data may live in.", Required = true };
        var model = new Option<string>("--model") { Description = "pinned (one writer, manual failover) or replicated (active-active).", DefaultValueFactory = _ => "pinned" };
        var replication = new Option<bool?>("--replication") { Description = "Replicate to a partner region (stored now; acted on in a later release)." };
        var owner = new Option<string[]>("--region-owner") { Description = "Owner of the tenant's data in a region: REGION=\"Team <contact>\". Repeatable." };
        var create = new Command("create", "Create a tenant with its residency policy (operator key).") { slug, name, plan, allowed, model, replication, owner };
        create.SetAction(Cli.Action(async (parse, ct) =>
        {
            var owners = new Dictionary<string, RegionOwner>();
            foreach (var entry in parse.GetValue(owner) ?? [])
            {
                var (region, regionOwner) = ParseOwner(entry);
                if (!owners.TryAdd(region, regionOwner))
                {
                    throw new CliError($"--region-owner names {region} twice; a region has one owner");
                }
            }

            var request = new CreateTenantRequest(
                parse.GetValue(slug), parse.GetValue(name), parse.GetValue(plan),
                parse.GetValue(allowed)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(model), parse.GetValue(replication), owners);
            using var client = Cli.Client(parse);
            var tenant = await client.PostAsync<TenantView>(client.Control("/v1/tenants"), request, ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(tenant);
                return;
            }

            Console.WriteLine($"Created tenant {tenant.Slug} ({tenant.Id}), plan {tenant.Plan}, {tenant.Model}, data allowed in {string.Join(", ", tenant.AllowedRegions)}.");
            Console.WriteLine($"Next: nova service create SERVICE --tenant {tenant.Slug} --home {tenant.AllowedRegions[0]}");
        }));

        var list = new Command("list", "List tenants.");
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var tenants = await client.GetAsync<List<TenantView>>(client.Control("/v1/tenants"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(tenants);
                return;
            }

            var table = new TextTable(["SLUG", "NAME", "PLAN", "MODEL", "REPLICATION", "ALLOWED REGIONS", "OWNERS"]);
            foreach (var t in tenants)
            {
                table.AddRow(t.Slug, t.Name, t.Plan, t.Model, t.Replication ? "on" : "off", string.Join(",", t.AllowedRegions),
                    string.Join("; ", t.RegionOwners.Select(o => $"{o.Key}: {o.Value.Team}")));
            }

            Cli.Write(table, "No tenants; " + CreateHint);
        }));

        var showSlug = new Argument<string>("tenant") { Description = "Tenant slug." };
        var show = new Command("show", "Show one tenant with its services.") { showSlug };
        show.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var t = await client.GetAsync<TenantView>(client.Control($"/v1/tenants/{Uri.EscapeDataString(parse.GetValue(showSlug)!)}"), ct);
            var services = await client.GetAsync<List<ServiceView>>(client.Control($"/v1/tenants/{t.Slug}/services"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(new { tenant = t, services });
                return;
            }

            Console.WriteLine($"{t.Slug} ({t.Id}): {Cli.Safe(t.Name)}");
            Console.WriteLine($"  plan {t.Plan}, model {t.Model}, replication {(t.Replication ? "on" : "off")}");
            Console.WriteLine($"  data allowed in {string.Join(", ", t.AllowedRegions)}");
            foreach (var (region, o) in t.RegionOwners)
            {
                Console.WriteLine($"  owner in {region}: {Cli.Safe(o.Team)}{(o.Contact is null ? "" : $" <{Cli.Safe(o.Contact)}>")}");
            }

            foreach (var s in services)
            {
                Console.WriteLine($"  service {s.Slug} in {s.HomeRegion} ({s.Integrations.Count} integration(s))");
            }
        }));

        return new Command("tenant", "Tenants: customer organisations and their residency policy.") { create, list, show };
    }

    /// <summary>Parses REGION="Team Name &lt;contact&gt;" (the contact is optional).</summary>
    internal static (string Region, RegionOwner Owner) ParseOwner(string entry)
    {
        var match = OwnerShape().Match(entry);
        if (!match.Success)
        {
            throw new CliError($"--region-owner '{entry}' must look like eu-west-1=\"SRE EU <sre-eu@acme.example>\"");
        }

        var contact = match.Groups["contact"].Success ? match.Groups["contact"].Value.Trim() : null;
        return (match.Groups["region"].Value, new RegionOwner(match.Groups["team"].Value.Trim(), contact));
    }

    [GeneratedRegex(@"^(?<region>[a-z0-9-]+)=(?<team>[^<>]+?)\s*(<(?<contact>[^<>]+)>)?\s*$")]
    private static partial Regex OwnerShape();
}
