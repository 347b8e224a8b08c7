using System.Runtime.InteropServices;
using Cucos.Cli;

// SIGINT (Ctrl+C) and SIGTERM both cancel the command, which shuts its embedded cluster down and says so; the exit
// code is 128 + the signal's number, as a shell reports a process the signal ended: 130 and 143.
using var interrupted = new CancellationTokenSource();
var exitCode = CucosCli.InterruptedExitCode;
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, CucosCli.InterruptedExitCode));
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, CucosCli.TerminatedExitCode));
var result = await CucosCli.RunAsync(args, Console.Out, Console.Error, interrupted.Token);
return result == CucosCli.InterruptedExitCode ? exitCode : result;

void Stop(PosixSignalContext signal, int code)
{
    signal.Cancel = true;
    if (!interrupted.IsCancellationRequested)
        exitCode = code;
    interrupted.Cancel();
}
