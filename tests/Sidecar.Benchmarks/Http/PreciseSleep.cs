using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sidecar.Benchmarks.Http;

/// <summary>
/// Sleeps until an absolute <see cref="Stopwatch"/> timestamp with microsecond precision (Linux
/// <c>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)</c> with the thread's timer slack set to 1 ns), so the open-loop
/// sender keeps its schedule without spinning a core. Falls back to <see cref="Thread.Sleep(int)"/> elsewhere.
/// </summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsTime = 1;
    private const int PrSetTimerSlack = 29;

    /// <summary>On Linux, Stopwatch timestamps are CLOCK_MONOTONIC nanoseconds.</summary>
    public static bool IsPrecise { get; } = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Call once on the sending thread.</summary>
    public static void SetUpThread()
    {
        if (IsPrecise)
        {
            _ = prctl(PrSetTimerSlack, 1, 0, 0, 0);
        }
    }

    public static void Until(long timestamp)
    {
        if (IsPrecise)
        {
            var spec = new TimeSpec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
            while (clock_nanosleep(ClockMonotonic, TimerAbsTime, in spec, IntPtr.Zero) == 4)
            {
                // EINTR: sleep again until the same absolute time.
            }

            return;
        }

        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(remaining);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int clock_nanosleep(int clock, int flags, in TimeSpec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
