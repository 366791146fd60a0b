#pragma once
#include "platform/http/router.h"
#include "platform/storage/uploads.h"

namespace kefu {

// Resumable uploads (platform/storage/uploads.h): POST /api/v1/uploads, GET and DELETE
// /api/v1/uploads/{id}, PUT /api/v1/uploads/{id}/parts/{n} with the part's raw bytes.
void add_upload_routes(http::Router& router, storage::Uploads& uploads);

}  // namespace kefu
