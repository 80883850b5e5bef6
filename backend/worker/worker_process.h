#ifndef LILAC_BACKEND_WORKER_WORKER_PROCESS_H_
#define LILAC_BACKEND_WORKER_WORKER_PROCESS_H_

namespace lilac::worker {

// The worker's half of the channel, run by `lilacd --worker_channel_fd=N`:
// reads the Start frame from `channel_fd`, starts libpurple in this process,
// then serves lilacd's calls until lilacd closes the channel (or dies), logs
// every session out and returns the process's exit code.
int RunWorker(int channel_fd);

}  // namespace lilac::worker

#endif  // LILAC_BACKEND_WORKER_WORKER_PROCESS_H_
