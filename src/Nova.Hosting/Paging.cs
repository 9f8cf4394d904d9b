using Microsoft.AspNetCore.Http;
using Nova.Contracts;

namespace Nova.Hosting;

/// <summary>Checks the paging parameters of list endpoints the same way everywhere.</summary>
public static class Paging
{
    /// <summary>Null when <paramref name="limit"/> and <paramref name="after"/> are in range; else the problem to answer.</summary>
    public static IResult? Check(int? limit, long? after, int max)
    {
        var errors = new List<FieldError>();
        if (limit is { } l && (l < 1 || l > max))
        {
            errors.Add(new("limit", $"Must be between 1 and {max}."));
        }

        if (after is < 0)
        {
            errors.Add(new("after", "Must be 0 or more."));
        }

        return errors.Count > 0 ? Problems.Validation(errors) : null;
    }
}
