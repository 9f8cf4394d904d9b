using Microsoft.AspNetCore.Http;
using Nova.Hosting;

namespace Nova.ControlPlane;

internal static class Caller
{
    /// <summary>The caller the authentication filter put on the request.</summary>
    public static ApiCaller Of(HttpContext context) => (ApiCaller)context.Items[typeof(ApiCaller)]!;
}
