#ifndef LILAC_BACKEND_HOST_FAILURES_H_
#define LILAC_BACKEND_HOST_FAILURES_H_

#include <string>

#include "lilac/v1/failures.pb.h"

namespace lilac {

// A Failure with `code` and `message`.
v1::Failure MakeFailure(v1::FailureCode code, std::string message);

// The Failure for a plugin's negative errno result (serv_send_im and the
// like return -errno): the code by kind of error, strerror's words.
v1::Failure FailureFromErrno(int errnum);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_FAILURES_H_
