using Nova.Cli;
using Nova.Cli.Commands;

return await Cli.RunAsync(NovaCommand.Create(), args);
