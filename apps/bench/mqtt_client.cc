#include "mqtt_client.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/write.hpp>

#include <fmt/format.h>

#include "bench_limits.h"

namespace sc::bench {
namespace {

// MQTT 3.1.1 §2.2.1 control packet types (the high nibble of the fixed header).
enum PacketType : uint8_t {
  kConnect = 1,
  kConnack = 2,
  kPublish = 3,
  kPuback = 4,
  kSubscribe = 8,
  kSuback = 9,
  kPingreq = 12,
  kPingresp = 13,
  kDisconnect = 14,
};

void PutU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

// §1.5.3: a UTF-8 string is a 2-byte length and the bytes.
void PutString(std::string& out, std::string_view s) {
  PutU16(out, static_cast<uint16_t>(s.size()));
  out.append(s);
}

// §2.2.3: Remaining Length, 7 bits per byte, least significant first, at most 4 bytes.
std::string Packet(uint8_t first_byte, const std::string& body) {
  std::string out(1, static_cast<char>(first_byte));
  size_t n = body.size();
  do {
    uint8_t b = n % 128;
    n /= 128;
    if (n > 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (n > 0);
  return out + body;
}

uint16_t GetU16(std::string_view s, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(s[at]) << 8) | static_cast<uint8_t>(s[at + 1]));
}

}  // namespace

MqttClient::MqttClient(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

asio::awaitable<Expected<std::shared_ptr<MqttClient>>> MqttClient::Connect(
    asio::io_context& io, const asio::ip::tcp::endpoint& broker, const MqttConnectOptions& o) {
  asio::ip::tcp::socket socket(io);
  asio::error_code ec;
  socket.open(broker.protocol(), ec);
  if (!ec && !o.local_address.empty()) {
    const auto local = asio::ip::make_address(o.local_address, ec);
    if (!ec) socket.bind({local, 0}, ec);
  }
  if (ec) co_return Failure("mqtt socket: " + ec.message());
  auto [cec] = co_await socket.async_connect(broker, kNoThrow);
  if (cec) co_return Failure("mqtt connect: " + cec.message());
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  auto client = std::shared_ptr<MqttClient>(new MqttClient(std::move(socket)));

  // §3.1: variable header "MQTT", level 4, flags, keep alive; payload client id [user [password]].
  std::string body;
  PutString(body, "MQTT");
  body.push_back(4);
  uint8_t flags = 0x02;  // clean session
  if (!o.username.empty()) flags |= 0x80;
  if (!o.password.empty()) flags |= 0x40;
  body.push_back(static_cast<char>(flags));
  PutU16(body, o.keep_alive_seconds);
  PutString(body, o.client_id);
  if (!o.username.empty()) PutString(body, o.username);
  if (!o.password.empty()) PutString(body, o.password);
  client->Queue(Packet(kConnect << 4, body));
  asio::co_spawn(
      io, [client]() { return client->ReadLoop(); }, asio::detached);
  co_await client->connack_.Wait(std::chrono::steady_clock::now() + kMqttSetupTimeout);
  if (!client->connack_.is_set() || client->connack_code_ != 0) {
    const auto code = client->connack_code_;
    client->Close();
    co_return Failure(code == 0xff ? std::string("mqtt: no CONNACK")
                                   : fmt::format("mqtt: CONNACK refused, code {}", code));
  }
  co_return client;
}

asio::awaitable<Expected<void>> MqttClient::Subscribe(const std::string& topic) {
  auto self = shared_from_this();
  suback_.Reset();
  // §3.8: fixed header 0x82, packet id, topic filter, requested QoS.
  std::string body;
  PutU16(body, next_packet_id_++);
  if (next_packet_id_ == 0) next_packet_id_ = 1;
  PutString(body, topic);
  body.push_back(1);
  Queue(Packet(static_cast<uint8_t>(kSubscribe << 4 | 0x02), body));
  co_await suback_.Wait(std::chrono::steady_clock::now() + kMqttSetupTimeout);
  if (!suback_.is_set()) co_return Failure("mqtt: no SUBACK");
  if (suback_code_ != 1)
    co_return Failure(fmt::format("mqtt: SUBACK granted {:#x}, not QoS 1", suback_code_));
  co_return Expected<void>{};
}

uint16_t MqttClient::Publish(std::string_view topic, std::string_view payload, bool qos0) {
  // §3.3: flags QoS in bits 1-2; topic; packet id only for QoS > 0; payload.
  std::string body;
  PutString(body, topic);
  uint16_t id = 0;
  if (!qos0) {
    id = next_packet_id_++;
    if (next_packet_id_ == 0) next_packet_id_ = 1;
    PutU16(body, id);
  }
  body.append(payload);
  Queue(Packet(static_cast<uint8_t>(kPublish << 4 | (qos0 ? 0 : 0x02)), body));
  return id;
}

void MqttClient::Ping() {
  Queue(Packet(kPingreq << 4, ""));
}

void MqttClient::Close() {
  if (closed_) return;
  asio::error_code ignored;
  const std::string disconnect = Packet(kDisconnect << 4, "");
  socket_.non_blocking(true, ignored);  // never wait here: a full send buffer just drops it
  (void)socket_.write_some(asio::buffer(disconnect), ignored);
  End();
}

void MqttClient::End() {
  if (closed_) return;
  closed_ = true;
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  connack_.Set();
  suback_.Set();
  if (on_closed) on_closed();
}

void MqttClient::Queue(std::string packet) {
  if (closed_) return;
  if (out_.size() + packet.size() > kMaxMqttOutbound) {
    End();
    return;
  }
  out_ += packet;
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(
        socket_.get_executor(), [self = shared_from_this()]() { return self->WriteLoop(); }, asio::detached);
  }
}

asio::awaitable<void> MqttClient::WriteLoop() {
  while (!out_.empty() && !closed_) {
    writing_buffer_.clear();
    writing_buffer_.swap(out_);
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing_buffer_), kNoThrow);
    if (ec) {
      End();
      break;
    }
  }
  writing_ = false;
}

asio::awaitable<void> MqttClient::ReadLoop() {
  auto self = shared_from_this();
  std::string buf;
  char chunk[16384];
  while (!closed_) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(chunk), kNoThrow);
    if (ec) break;
    buf.append(chunk, n);
    size_t at = 0;
    while (true) {  // every whole packet in the buffer
      if (buf.size() - at < 2) break;
      size_t length = 0, used = 1;
      bool complete = false;
      for (int shift = 0; used < 5 && at + used < buf.size(); shift += 7) {
        const auto b = static_cast<uint8_t>(buf[at + used++]);
        length |= static_cast<size_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (used >= 5) {  // a fifth length byte: malformed (§2.2.3)
          End();
          co_return;
        }
        break;
      }
      if (length > kMaxMqttPacket) {
        End();
        co_return;
      }
      if (buf.size() - at - used < length) break;
      const auto header = static_cast<uint8_t>(buf[at]);
      if (!Handle(header, std::string_view{buf}.substr(at + used, length))) {
        End();
        co_return;
      }
      at += used + length;
      if (closed_) co_return;
    }
    buf.erase(0, at);
  }
  End();
}

bool MqttClient::Handle(uint8_t header, std::string_view body) {
  switch (header >> 4) {
    case kConnack:
      if (body.size() != 2) return false;
      connack_code_ = static_cast<uint8_t>(body[1]);
      connack_.Set();
      return true;
    case kSuback:
      if (body.size() < 3) return false;
      suback_code_ = static_cast<uint8_t>(body[2]);
      suback_.Set();
      return true;
    case kPuback:
      if (body.size() != 2) return false;
      if (on_puback) on_puback(GetU16(body, 0));
      return true;
    case kPingresp:
      return true;
    case kPublish: {
      const int qos = (header >> 1) & 0x03;
      if (body.size() < 2 || qos > 1) return false;  // we subscribe with QoS 1: never QoS 2
      const uint16_t topic_length = GetU16(body, 0);
      size_t at = 2 + topic_length;
      if (body.size() < at + (qos > 0 ? 2 : 0)) return false;
      const auto topic = body.substr(2, topic_length);
      uint16_t id = 0;
      if (qos > 0) {
        id = GetU16(body, at);
        at += 2;
      }
      if (on_publish) on_publish(topic, body.substr(at));
      if (qos == 1) {
        std::string ack;
        PutU16(ack, id);
        Queue(Packet(kPuback << 4, ack));
      }
      return true;
    }
    default:
      return false;  // nothing else is sent to a client of this kind
  }
}

}  // namespace sc::bench
