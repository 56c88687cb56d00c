using SonicWeb.Bench;

// Two roles in one program: without --case it is the benchmark (prepares inputs, runs every measured
// case in a child process of itself, prints the figures); with --case it is one of those children.
var options = BenchOptions.Parse(args);
if (options.ShowHelp)
{
    Console.WriteLine(BenchOptions.HelpText);
    return 0;
}
return options.Case is null
    ? await BenchRun.RunAsync(options)
    : await CaseRunner.RunAsync(options);
