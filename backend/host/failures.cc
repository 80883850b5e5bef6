#include "backend/host/failures.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace lilac {
namespace {

v1::FailureCode CodeForErrno(int errnum) {
  switch (errnum) {
    case ENOTCONN:
      return v1::FAILURE_CODE_NOT_CONNECTED;
    case ENOTSUP:
#if EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP:
#endif
    case ENOSYS:
      return v1::FAILURE_CODE_UNSUPPORTED;
    case E2BIG:
    case EMSGSIZE:
    case EFBIG:
      return v1::FAILURE_CODE_TOO_LARGE;
    case ENOENT:
    case ENXIO:
      return v1::FAILURE_CODE_NOT_FOUND;
    case EPERM:
    case EACCES:
      return v1::FAILURE_CODE_REFUSED;
    case ECANCELED:
      return v1::FAILURE_CODE_CANCELLED;
    case ETIMEDOUT:
      return v1::FAILURE_CODE_TIMED_OUT;
    case EIO:
    case ECONNRESET:
    case ECONNREFUSED:
    case ECONNABORTED:
    case EPIPE:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTUNREACH:
      return v1::FAILURE_CODE_NETWORK_ERROR;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EBUSY:
      return v1::FAILURE_CODE_TRY_AGAIN;
    default:
      return v1::FAILURE_CODE_OTHER;
  }
}

}  // namespace

v1::Failure MakeFailure(v1::FailureCode code, std::string message) {
  v1::Failure failure;
  failure.set_code(code);
  failure.set_message(std::move(message));
  return failure;
}

v1::Failure FailureFromErrno(int errnum) {
  return MakeFailure(CodeForErrno(errnum), std::strerror(errnum));
}

}  // namespace lilac
