// mqtt_client.h: the least MQTT 3.1.1 client the comparison needs (OASIS MQTT 3.1.1): CONNECT /
// CONNACK, SUBSCRIBE / SUBACK, PUBLISH QoS 0 and 1 / PUBACK both ways, PINGREQ / PINGRESP,
// DISCONNECT. No library: a read loop over an asio socket and a write queue.
//
//   const MqttConnectOptions options{.client_id = "b1", .username = "u", .password = "p"};
//   auto c = co_await MqttClient::Connect(io, broker, options);
//   (*c)->on_publish = [](std::string_view topic, std::string_view payload) { ... };  // PUBACKed for us
//   (*c)->on_puback = [](uint16_t packet_id) { ... };
//   co_await (*c)->Subscribe("bench/1");            // QoS 1
//   uint16_t id = (*c)->Publish("bench/1", payload);  // QoS 1: on_puback(id) when the broker has it
//
// Incoming packets are bounded by kMaxMqttPacket and the outgoing queue by kMaxMqttOutbound; a
// broker that breaks either rule, or the protocol, ends the connection. Thread safety: one
// io_context thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "bench_common.h"

namespace sc::bench {

struct MqttConnectOptions {
  std::string client_id;
  std::string username, password;  // empty: not sent
  uint16_t keep_alive_seconds = 60;
  std::string local_address;  // bind to this source address first
};

class MqttClient : public std::enable_shared_from_this<MqttClient> {
 public:
  // Connect opens TCP, sends CONNECT (clean session) and waits for CONNACK (accepted).
  static asio::awaitable<Expected<std::shared_ptr<MqttClient>>> Connect(asio::io_context& io,
                                                                        const asio::ip::tcp::endpoint& broker,
                                                                        const MqttConnectOptions& options);

  // Subscribe subscribes to `topic` with QoS 1 and waits for a SUBACK granting it.
  asio::awaitable<Expected<void>> Subscribe(const std::string& topic);
  // Publish queues a PUBLISH (QoS 1 unless qos0) and returns its packet id (0 for QoS 0).
  uint16_t Publish(std::string_view topic, std::string_view payload, bool qos0 = false);
  // Ping queues a PINGREQ (keep alive).
  void Ping();
  // Close sends DISCONNECT if it can and closes the socket.
  void Close();
  bool connected() const noexcept { return !closed_; }

  std::function<void(std::string_view topic, std::string_view payload)> on_publish;
  std::function<void(uint16_t packet_id)> on_puback;
  std::function<void()> on_closed;

 private:
  explicit MqttClient(asio::ip::tcp::socket socket);
  asio::awaitable<void> ReadLoop();
  asio::awaitable<void> WriteLoop();
  void Queue(std::string packet);
  // Handle processes one whole packet; false: a protocol violation (the connection ends).
  bool Handle(uint8_t header, std::string_view body);
  void End();

  asio::ip::tcp::socket socket_;
  std::string out_, writing_buffer_;
  bool writing_ = false;
  bool closed_ = false;
  uint16_t next_packet_id_ = 1;
  Event connack_, suback_;
  uint8_t connack_code_ = 0xff;
  uint8_t suback_code_ = 0x80;
};

}  // namespace sc::bench
