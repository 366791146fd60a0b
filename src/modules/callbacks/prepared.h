#pragma once
// An answer scored and the ticket work it causes, prepared before the write transaction
// (attempts.cpp and links.cpp share it).
#include "modules/callbacks/service.h"

namespace kefu::callbacks {

struct CallbackService::Prepared {
  surveys::Questionnaire questionnaire;
  surveys::Answers answers;
  surveys::Scored scored;
  std::string channel;
  struct NewTicket {
    tickets::PreparedTicket ticket;
    tickets::PreparedStep accept, route;
    tickets::StepInput accept_in, route_in;
  };
  std::vector<NewTicket> tickets;
  std::optional<int64_t> reopen_ticket;
  tickets::StepInput reopen_in;
  tickets::PreparedStep reopen;
};

}  // namespace kefu::callbacks
