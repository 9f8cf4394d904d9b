using Nova.Contracts;
using Nova.Core.Model;
using Nova.Core.Text;

namespace Nova.ControlPlane;

/// <summary>Checks a request whole and reports every failing field at once.</summary>
internal static class Validation
{
    public const int MaxNameLength = 200;

    public static List<FieldError> Tenant(CreateTenantRequest request, IReadOnlyList<RegionView> catalog)
    {
        var errors = new List<FieldError>();
        var known = catalog.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var knownList = string.Join(", ", catalog.Select(r => r.Name));
        if (!Slugs.IsValid(request.Slug))
        {
            errors.Add(new("slug", $"'{request.Slug}' is not a valid slug: {Slugs.Rule}."));
        }

        if (request.Name is { } name && (name.Trim().Length == 0 || UnicodeText.ScalarCount(name) > MaxNameLength))
        {
            errors.Add(new("name", $"The name must be 1-{MaxNameLength} characters."));
        }

        if (request.Plan is null || !Plans.Names.Contains(request.Plan))
        {
            errors.Add(new("plan", $"Plan must be one of: {string.Join(", ", Plans.Names)}."));
        }

        var allowed = request.AllowedRegions ?? [];
        if (allowed.Count == 0)
        {
            errors.Add(new("allowedRegions", $"List at least one region the tenant's data may live in; valid regions: {knownList}."));
        }

        foreach (var region in allowed)
        {
            if (!known.Contains(region))
            {
                errors.Add(new("allowedRegions", $"Unknown region '{region}'; valid regions: {knownList}."));
            }
        }

        if (allowed.Distinct(StringComparer.Ordinal).Count() != allowed.Count)
        {
            errors.Add(new("allowedRegions", "A region is listed twice."));
        }

        var model = request.Model ?? DeploymentModels.Pinned;
        if (!DeploymentModels.Names.Contains(model))
        {
            errors.Add(new("model", $"Model must be one of: {string.Join(", ", DeploymentModels.Names)}."));
        }
        else if (model == DeploymentModels.Replicated && request.Replication == false)
        {
            errors.Add(new("replication", "The replicated model needs replication on."));
        }

        foreach (var (region, owner) in request.RegionOwners ?? new Dictionary<string, RegionOwner>())
        {
            if (!allowed.Contains(region))
            {
                errors.Add(new($"regionOwners.{region}", $"'{region}' is not one of the tenant's allowed regions ({string.Join(", ", allowed)})."));
            }

            if (owner is null || string.IsNullOrWhiteSpace(owner.Team) || UnicodeText.ScalarCount(owner.Team) > MaxNameLength)
            {
                errors.Add(new($"regionOwners.{region}.team", $"Name the owning team (1-{MaxNameLength} characters)."));
            }

            if (owner?.Contact is { } contact && UnicodeText.ScalarCount(contact) > MaxNameLength)
            {
                errors.Add(new($"regionOwners.{region}.contact", $"The contact is longer than {MaxNameLength} characters."));
            }
        }

        return errors;
    }

    public static List<FieldError> Service(CreateServiceRequest request, TenantView tenant, IReadOnlyList<RegionView> catalog)
    {
        var errors = new List<FieldError>();
        if (!Slugs.IsValid(request.Slug))
        {
            errors.Add(new("slug", $"'{request.Slug}' is not a valid slug: {Slugs.Rule}."));
        }

        if (request.Name is { } name && (name.Trim().Length == 0 || UnicodeText.ScalarCount(name) > MaxNameLength))
        {
            errors.Add(new("name", $"The name must be 1-{MaxNameLength} characters."));
        }

        var allowed = string.Join(", ", tenant.AllowedRegions);
        if (string.IsNullOrEmpty(request.HomeRegion))
        {
            errors.Add(new("homeRegion", $"Choose a home region; valid for {tenant.Slug}: {allowed}."));
        }
        else if (!catalog.Any(r => r.Name == request.HomeRegion))
        {
            errors.Add(new("homeRegion", $"Unknown region '{request.HomeRegion}'; valid for {tenant.Slug}: {allowed}."));
        }
        else if (!tenant.AllowedRegions.Contains(request.HomeRegion))
        {
            errors.Add(new("homeRegion", $"'{request.HomeRegion}' is outside {tenant.Slug}'s residency policy; valid for {tenant.Slug}: {allowed}."));
        }

        if (request.StaleAfterMinutes is { } stale && stale is < 1 or > 43_200)
        {
            errors.Add(new("staleAfterMinutes", "Auto-resolve after 1 to 43200 minutes (30 days), or leave it out to keep it off."));
        }

        return errors;
    }
}
