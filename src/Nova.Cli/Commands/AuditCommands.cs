using System.CommandLine;
using Nova.Contracts;

namespace Nova.Cli.Commands;

internal static class AuditCommands
{
    public static Command Create()
    {
        var tenant = TenantScope.Option("Only this tenant's records (a tenant key sees only its own).");
        var region = new Option<string?>("--region") { Description = "Only this region's log ('control' for the control plane's)." };
        var limit = new Option<int>("--limit") { Description = "At most this many records per log (1-1000).", DefaultValueFactory = _ => 100 };
        var command = new Command("audit", "Read the audit logs of the control plane and the regions: who did what, to which target, when, with which outcome.")
        {
            tenant, region, limit,
        };
        command.SetAction(Cli.Action(async (parse, ct) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 1000)
            {
                throw new CliError($"--limit must be between 1 and 1000, got {n}");
            }

            using var client = Cli.Client(parse);
            var tenantSlug = parse.GetValue(tenant);
            TenantView? t = null;
            if (tenantSlug is not null)
            {
                t = await client.GetAsync<TenantView>(client.Control($"/v1/tenants/{Uri.EscapeDataString(tenantSlug)}"), ct);
            }

            var logs = new List<(string Name, string Url)>();
            var only = parse.GetValue(region);
            if (only is null or "control")
            {
                logs.Add(("control", client.Control($"/v1/audit?limit={n}" + (tenantSlug is null ? "" : "&tenant=" + Uri.EscapeDataString(tenantSlug)))));
            }

            if (only != "control")
            {
                foreach (var r in await client.GetAsync<List<RegionView>>(client.Control("/v1/regions"), ct))
                {
                    // A tenant's records can only be in the regions its data may live in.
                    if ((only is null || only == r.Name) && (t is null || t.AllowedRegions.Contains(r.Name)))
                    {
                        logs.Add((r.Name, $"{r.Url}/v1/audit?limit={n}" + (t is null ? "" : "&tenant=" + t.Id)));
                    }
                }

                if (only is not null && logs.Count == 0)
                {
                    throw new CliError($"Unknown region '{only}'; see 'nova region list'.");
                }
            }

            var results = await Task.WhenAll(logs.Select(async log =>
            {
                try
                {
                    return (log.Name, records: await client.GetAsync<List<AuditRecordView>>(log.Url, ct), error: (string?)null);
                }
                catch (CliError e)
                {
                    return (log.Name, records: new List<AuditRecordView>(), error: e.Message);
                }
            }));
            if (results.All(r => r.error is not null))
            {
                throw new CliError(Cli.PerRegion(results.Select(r => (r.Name, r.error!)).ToList()));
            }

            foreach (var (name, _, error) in results.Where(r => r.error is not null))
            {
                Console.Error.WriteLine(Cli.Safe($"warning: partial result: {name}: {error}"));
            }

            var rows = results.SelectMany(r => r.records.Select(record => (Log: r.Name, Record: record))).OrderBy(r => r.Record.At).ToList();
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(rows.Select(r => new { log = r.Log, r.Record.Seq, r.Record.At, r.Record.Actor, r.Record.Action, r.Record.Target, r.Record.RequestId, r.Record.Outcome }));
                return;
            }

            var table = new TextTable(["AT", "LOG", "ACTOR", "ACTION", "TARGET", "REQUEST", "OUTCOME"], cutLast: true);
            foreach (var (log, r) in rows)
            {
                table.AddRow(r.At.ToString("u"), log, r.Actor ?? "-", r.Action, r.Target, r.RequestId, r.Outcome);
            }

            Cli.Write(table, "No audit records.");
        }));
        return command;
    }
}
