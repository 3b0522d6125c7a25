#pragma once
// One accepted connection of `expt serve`, on a strand of the server's io_context. It reads
// requests under HttpLimits (a connection silent for idle_timeout, or a request not whole within
// read_timeout of its first byte, is closed), answers each through the routes, or becomes an event
// stream that announces each new version until its lifetime ends or the server stops. A
// connection admitted on a reserved slot answers /healthz and /metrics, 503 to all else, and closes.

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace expt {

struct ServerState;
class Connection;

enum class Admission { regular, reserved };

// Takes the socket and serves it until the connection ends; the connection joins state.connections.
void start_connection(boost::asio::ip::tcp::socket socket, Admission admission, ServerState& state);

// From any thread: a newer version may be out, or the server is stopping. The connection looks on
// its own strand: a stream sends the version (or its final event), an idle connection closes.
void wake_connection(const std::shared_ptr<Connection>& connection);

// The whole answer written to a connection refused outright (beyond every cap), without reading:
// a 503 with Retry-After, as a connection on a reserved slot gets for anything but health.
const std::string& refused_response();

}  // namespace expt
