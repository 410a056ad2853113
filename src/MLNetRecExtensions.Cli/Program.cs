return MLNetRecExtensions.Cli.CliApp.Run(args);
