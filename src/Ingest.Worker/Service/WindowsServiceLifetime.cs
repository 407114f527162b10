using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ingest.Worker.Service;

/// <summary>
/// Host lifetime for a Windows service, without Microsoft.Extensions.Hosting.WindowsServices: the service control
/// handshake through advapi32 (StartServiceCtrlDispatcher, RegisterServiceCtrlHandlerEx, SetServiceStatus).
/// Registered only on Windows when the service control manager started the process. Untested on Windows.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsServiceLifetime(IHostApplicationLifetime lifetime, ILogger<WindowsServiceLifetime> logger) : IHostLifetime, IDisposable
{
    private const int ServiceWin32OwnProcess = 0x10;
    private const int NoError = 0;
    private const int ErrorCallNotImplemented = 120;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _stopped = new();
    private readonly object _gate = new();
    private ServiceMainFunction? _main;  // kept alive while native code holds the pointers
    private HandlerEx? _handler;
    private nint _statusHandle;
    private int _checkPoint;

    /// <summary>The states reported to the service control manager (winsvc.h).</summary>
    internal enum ServiceState
    {
        Stopped = 1,
        StartPending = 2,
        StopPending = 3,
        Running = 4,
    }

    /// <summary>What the host does for a control code sent by the service control manager.</summary>
    internal enum ControlAction
    {
        None,
        Stop,
        NotImplemented,
    }

    /// <summary>True on Windows when the process runs as a service (non-interactive, session 0).</summary>
    [SupportedOSPlatformGuard("windows")]
    public static bool IsStartedByServiceControlManager()
    {
        if (!OperatingSystem.IsWindows() || Environment.UserInteractive)
        {
            return false;
        }

        using var self = Process.GetCurrentProcess();
        return self.SessionId == 0;
    }

    /// <summary>Maps SERVICE_CONTROL_* codes: STOP (1) and SHUTDOWN (5) stop the host; INTERROGATE (4) just answers.</summary>
    internal static ControlAction Map(int control) => control switch
    {
        1 or 5 => ControlAction.Stop,
        4 => ControlAction.None,
        _ => ControlAction.NotImplemented,
    };

    /// <summary>The controls accepted in a state: none while starting or stopping, STOP and SHUTDOWN while running.</summary>
    internal static int AcceptedControls(ServiceState state) => state == ServiceState.Running ? 0x1 | 0x4 : 0;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Report(ServiceState.Running));
        lifetime.ApplicationStopping.Register(() => Report(ServiceState.StopPending));
        var dispatcher = new Thread(Dispatch) { IsBackground = true, Name = "Service control dispatcher" };
        dispatcher.Start();
        return _started.Task.WaitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Report(ServiceState.Stopped);
        _stopped.Set();
        return Task.CompletedTask;
    }

    private void Dispatch()
    {
        _main = ServiceMain;
        var table = new[]
        {
            new ServiceTableEntry { ServiceName = string.Empty, ServiceProc = Marshal.GetFunctionPointerForDelegate(_main) },
            default,
        };

        // Blocks until the service reports Stopped.
        if (!NativeMethods.StartServiceCtrlDispatcher(table))
        {
            _started.TrySetException(new Win32Exception(Marshal.GetLastPInvokeError(), "StartServiceCtrlDispatcher failed (not started by the service control manager?)"));
        }
    }

    private void ServiceMain(int argc, nint argv)
    {
        _handler = Handle;
        _statusHandle = NativeMethods.RegisterServiceCtrlHandlerEx(string.Empty, _handler, 0);
        if (_statusHandle == 0)
        {
            _started.TrySetException(new Win32Exception(Marshal.GetLastPInvokeError(), "RegisterServiceCtrlHandlerEx failed"));
            return;
        }

        Report(ServiceState.StartPending);
        _started.TrySetResult();
        _stopped.Wait();
    }

    private int Handle(int control, int eventType, nint eventData, nint context)
    {
        switch (Map(control))
        {
            case ControlAction.Stop:
                Log.ServiceControl(logger, $"control {control}: stopping");
                Report(ServiceState.StopPending);
                lifetime.StopApplication();
                return NoError;
            case ControlAction.None:
                return NoError;
            default:
                return ErrorCallNotImplemented;
        }
    }

    private void Report(ServiceState state)
    {
        lock (_gate)
        {
            if (_statusHandle == 0)
            {
                return;
            }

            var pending = state is ServiceState.StartPending or ServiceState.StopPending;
            var status = new ServiceStatus
            {
                ServiceType = ServiceWin32OwnProcess,
                CurrentState = (int)state,
                ControlsAccepted = AcceptedControls(state),
                Win32ExitCode = NoError,
                CheckPoint = pending ? ++_checkPoint : 0,
                WaitHint = pending ? 30_000 : 0,
            };
            if (!NativeMethods.SetServiceStatus(_statusHandle, ref status))
            {
                Log.ServiceControl(logger, $"SetServiceStatus({state}) failed with error {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    public void Dispose() => _stopped.Dispose();

    [UnmanagedFunctionPointer(CallingConvention.Winapi)]
    private delegate void ServiceMainFunction(int argc, nint argv);

    [UnmanagedFunctionPointer(CallingConvention.Winapi)]
    private delegate int HandlerEx(int control, int eventType, nint eventData, nint context);

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct ServiceTableEntry
    {
        [MarshalAs(UnmanagedType.LPWStr)]
        public string? ServiceName;
        public nint ServiceProc;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ServiceStatus
    {
        public int ServiceType;
        public int CurrentState;
        public int ControlsAccepted;
        public int Win32ExitCode;
        public int ServiceSpecificExitCode;
        public int CheckPoint;
        public int WaitHint;
    }

    private static class NativeMethods
    {
        [DllImport("advapi32.dll", EntryPoint = "StartServiceCtrlDispatcherW", SetLastError = true, CharSet = CharSet.Unicode)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool StartServiceCtrlDispatcher([In] ServiceTableEntry[] table);

        [DllImport("advapi32.dll", EntryPoint = "RegisterServiceCtrlHandlerExW", SetLastError = true, CharSet = CharSet.Unicode)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        public static extern nint RegisterServiceCtrlHandlerEx(string serviceName, HandlerEx handler, nint context);

        [DllImport("advapi32.dll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
        [return: MarshalAs(UnmanagedType.Bool)]
        public static extern bool SetServiceStatus(nint handle, ref ServiceStatus status);
    }
}
