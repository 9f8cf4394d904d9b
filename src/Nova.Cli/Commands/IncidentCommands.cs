using System.CommandLine;
using Nova.Cli.Client;
using Nova.Contracts;

namespace Nova.Cli.Commands;

internal static class IncidentCommands
{
    public static Command Create()
    {
        var tenant = TenantScope.Option();
        var status = new Option<string?>("--status") { Description = "triggered, acknowledged or resolved." };
        var service = new Option<string?>("--service") { Description = "Only this service's incidents (asks its home region only)." };
        var since = new Option<string?>("--since") { Description = "Only incidents opened at or after this RFC 3339 time." };
        var limit = new Option<int>("--limit") { Description = "At most this many per region (1-500).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List incidents from every region the tenant's data lives in, newest first.") { tenant, status, service, since, limit };
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 500)
            {
                throw new CliError($"--limit must be between 1 and 500, got {n}");
            }

            using var client = Cli.Client(parse);
            var catalog = await client.RegionsAsync(ct);
            string? slug;
            IReadOnlyList<string> regions;
            if (client.ControlPlaneDown)
            {
                // Without the control plane the CLI cannot look up the tenant's regions: it
                // asks every region it knows; those that do not hold the tenant answer 421.
                slug = parse.GetValue(tenant);
                regions = catalog.Select(r => r.Name).ToList();
            }
            else
            {
                var t = await TenantScope.ViewAsync(client, parse.GetValue(tenant), ct);
                slug = t.Slug;
                regions = t.AllowedRegions;
                if (parse.GetValue(service) is { } s)
                {
                    var svc = await client.GetAsync<ServiceView>(client.Control($"/v1/tenants/{t.Slug}/services/{Uri.EscapeDataString(s)}"), ct);
                    regions = [svc.HomeRegion];
                }
            }

            var query = $"?limit={n}" + (slug is null ? "" : "&tenant=" + Uri.EscapeDataString(slug))
                + (parse.GetValue(status) is { } st ? "&status=" + Uri.EscapeDataString(st) : "")
                + (parse.GetValue(service) is { } sv ? "&service=" + Uri.EscapeDataString(sv) : "")
                + (parse.GetValue(since) is { } si ? "&since=" + Uri.EscapeDataString(si) : "");
            var pages = await Task.WhenAll(regions.Select(async region =>
            {
                var url = catalog.FirstOrDefault(r => r.Name == region)?.Url;
                if (url is null)
                {
                    return (region, page: (IncidentPage?)null, error: "not in the region catalog");
                }

                try
                {
                    return (region, page: await client.GetAsync<IncidentPage>(url + "/v1/incidents" + query, ct, followMisdirected: !client.ControlPlaneDown), error: (string?)null);
                }
                catch (CliError e) when (client.ControlPlaneDown && e.Status == System.Net.HttpStatusCode.MisdirectedRequest)
                {
                    // Not one of the tenant's regions: nothing of it lives there.
                    return (region, page: new IncidentPage([], null), error: null);
                }
                catch (CliError e)
                {
                    return (region, page: null, error: e.Message);
                }
            }));
            var failed = pages.Where(p => p.page is null).ToList();
            if (failed.Count == pages.Length && failed.Count > 0)
            {
                throw new CliError(Cli.PerRegion(failed.Select(f => (f.region, f.error!)).ToList()));
            }

            foreach (var f in failed)
            {
                Console.Error.WriteLine(Cli.Safe($"warning: partial result: {f.region} did not answer ({f.error})"));
            }

            var items = pages.Where(p => p.page is not null).SelectMany(p => p.page!.Items).OrderByDescending(i => i.CreatedAt).ToList();
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(new { items, partial = failed.Select(f => f.region).ToList() });
                return;
            }

            var table = new TextTable(["ID", "REGION", "SERVICE", "STATUS", "SEVERITY", "ALERTS", "VER", "OPENED", "TITLE"], cutLast: true);
            foreach (var i in items)
            {
                table.AddRow(i.Id, i.Region, i.Service, i.Status, i.Severity, $"{i.OpenAlerts}/{i.AlertCount}", i.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    i.CreatedAt.ToString("u"), i.Title);
            }

            Cli.Write(table, $"No incidents{(slug is null ? "" : " for " + slug)} in {string.Join(", ", regions)}.");
        }));

        return new Command("incident", "Incidents: list, show, acknowledge, resolve, add notes.")
        {
            list,
            Show(),
            Action("ack", "acknowledge", "Acknowledge an incident: you are on it."),
            Action("resolve", "resolve", "Resolve an incident."),
            Note(),
        };
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Incident id." };
        var tenant = TenantScope.Option("Tenant slug (narrows the search).");
        var show = new Command("show", "Show an incident with its alerts and timeline.") { id, tenant };
        show.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var (region, url, detail) = await FindAsync(client, parse.GetValue(id)!, parse.GetValue(tenant), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(detail);
                return;
            }

            var i = detail.Incident;
            Console.WriteLine($"{i.Id}  {i.Status}  {i.Severity}  version {i.Version}");
            Console.WriteLine($"  {Cli.Safe(i.Title)}");
            Console.WriteLine($"  service {Cli.Safe(i.Service)} in {region} ({url}); alerts {i.OpenAlerts} open of {i.AlertCount}; from {i.Source}");
            foreach (var a in detail.Alerts)
            {
                Console.WriteLine($"  alert {Cli.Safe(a.Key)} {a.Status} {a.Severity}: {Cli.Safe(a.Summary)}");
                foreach (var (name, value) in a.Labels)
                {
                    Console.WriteLine($"      {Cli.Safe(name)}={Cli.Safe(value)}");
                }
            }

            Console.WriteLine("  timeline:");
            foreach (var e in detail.Timeline)
            {
                Console.WriteLine($"    {e.At:u}  {Cli.Safe(e.Text)}{(e.Actor is null ? "" : $"  [{Cli.Safe(e.Actor)}]")}");
            }
        }));
        return show;
    }

    private static Command Action(string verb, string action, string description)
    {
        var id = new Argument<string>("id") { Description = "Incident id." };
        var tenant = TenantScope.Option("Tenant slug (narrows the search).");
        var version = new Option<int?>("--if-version") { Description = "Only if the incident is still at this version (as shown by list/show)." };
        var command = new Command(verb, description) { id, tenant, version };
        command.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var (region, url, detail) = await FindAsync(client, parse.GetValue(id)!, parse.GetValue(tenant), ct);
            var result = await client.PostAsync<ActionAnswer>($"{url}/v1/incidents/{detail.Incident.Id}/{action}?tenant={detail.Incident.TenantId}", null, ct,
                parse.GetValue(version)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Print(parse, result, region);
        }));
        return command;
    }

    private static Command Note()
    {
        var id = new Argument<string>("id") { Description = "Incident id." };
        var text = new Argument<string>("text") { Description = "The note." };
        var tenant = TenantScope.Option("Tenant slug (narrows the search).");
        var version = new Option<int?>("--if-version") { Description = "Only if the incident is still at this version." };
        var command = new Command("note", "Add a note to an incident's timeline.") { id, text, tenant, version };
        command.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var (region, url, detail) = await FindAsync(client, parse.GetValue(id)!, parse.GetValue(tenant), ct);
            var result = await client.PostAsync<ActionAnswer>($"{url}/v1/incidents/{detail.Incident.Id}/notes?tenant={detail.Incident.TenantId}",
                new NoteRequest(parse.GetValue(text)), ct, parse.GetValue(version)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(result);
                return;
            }

            Console.WriteLine($"Note added to {result.Id} ({result.Status}, version {result.Version}, {region}).");
        }));
        return command;
    }

    private static void Print(System.CommandLine.ParseResult parse, ActionAnswer result, string region)
    {
        if (Cli.WantsJson(parse))
        {
            Cli.PrintJson(result);
            return;
        }

        Console.WriteLine(result.Changed
            ? $"{result.Id} is {result.Status} (version {result.Version}, {region})."
            : $"{result.Id} was already {result.Status}; nothing changed (version {result.Version}).");
    }

    private sealed record ActionAnswer(string Id, string Status, int Version, bool Changed);

    /// <summary>Incident ids are unique across regions: ask each candidate region until one has it.</summary>
    private static async Task<(string Region, string Url, IncidentDetail Detail)> FindAsync(NovaClient client, string id, string? tenant, CancellationToken ct)
    {
        // Ids are uppercase; one typed or pasted in lowercase means the same incident.
        id = id.ToUpperInvariant();
        if (!Nova.Core.Ids.EventIds.IsValid(id))
        {
            throw new CliError($"'{Cli.Safe(id)}' is not an incident id (26 characters, e.g. 01M8YCT7GXNQK9F3MTEF1Z5TVY); see 'nova incident list'.");
        }

        var catalog = await client.RegionsAsync(ct);
        var candidates = catalog;
        string query = "";
        if (client.ControlPlaneDown)
        {
            // Ask every region the CLI knows; one that does not hold the tenant answers 421 and
            // is followed to the right one.
            query = tenant is null ? "" : "?tenant=" + Uri.EscapeDataString(tenant);
        }
        else
        {
            var me = tenant is null ? await client.GetAsync<WhoAmI>(client.Control("/v1/whoami"), ct) : null;
            if (me is not { Operator: true })
            {
                var t = await TenantScope.ViewAsync(client, tenant ?? me!.TenantId, ct);
                candidates = catalog.Where(r => t.AllowedRegions.Contains(r.Name)).ToList();
                query = "?tenant=" + t.Slug;
            }
        }

        var errors = new List<string>();
        foreach (var region in candidates)
        {
            try
            {
                var detail = await client.GetAsync<IncidentDetail>($"{region.Url}/v1/incidents/{Uri.EscapeDataString(id)}{query}", ct);
                return (region.Name, region.Url, detail);
            }
            catch (CliError e)
            {
                errors.Add($"{region.Name}: {e.Message}");
            }
        }

        throw new CliError(errors.Count == candidates.Count && errors.All(e => e.Contains("No incident", StringComparison.Ordinal))
            ? $"No incident {id} in {string.Join(", ", candidates.Select(r => r.Name))}; list incidents with 'nova incident list'."
            : $"No incident {id} found ({string.Join("; ", errors)}).");
    }
}
