// The shipped questionnaires, written for kefu (facts from the car dealer's SSI/CSI practice:
// 23 sales questions in seven dimensions on a 1000-point scale, 10-odd after-sales questions,
// the 400 hotline mention rate, first-time fix; store, delivery and complaint callbacks).
#include "modules/surveys/model.h"

namespace kefu::surveys {
namespace {

struct Q {
  Question q;
  Q(std::string code, std::string section, std::string text, std::string type) {
    q.code = std::move(code);
    q.section = std::move(section);
    q.text = std::move(text);
    q.type = std::move(type);
  }
  Q&& scale(int lo, int hi, std::optional<int> bad_at_or_below = std::nullopt) && {
    q.scale_min = lo;
    q.scale_max = hi;
    q.dissatisfied_at_or_below = bad_at_or_below;
    return std::move(*this);
  }
  Q&& dim(std::string d, double w = 1) && {
    q.dimension = std::move(d);
    q.weight = w;
    return std::move(*this);
  }
  Q&& req() && {
    q.required = true;
    return std::move(*this);
  }
  Q&& dept(std::string d) && {
    q.department = std::move(d);
    return std::move(*this);
  }
  Q&& role(std::string r) && {
    q.role = std::move(r);
    return std::move(*this);
  }
  Q&& bad_when(bool b) && {
    q.dissatisfied_when = b;
    return std::move(*this);
  }
  Q&& show_if(std::string question, std::vector<std::string> any_of) && {
    q.show_if = ShowIf{std::move(question), std::move(any_of)};
    return std::move(*this);
  }
  Q&& options(std::vector<Option> o) && {
    q.options = std::move(o);
    return std::move(*this);
  }
};

Questionnaire make(std::string code, std::string name, std::string channel, int scale,
                   std::vector<Dimension> dims, std::vector<Q> qs, Script script) {
  Questionnaire out;
  out.code = std::move(code);
  out.name = std::move(name);
  out.channel = std::move(channel);
  out.version = 1;
  out.scale = scale;
  out.dimensions = std::move(dims);
  for (auto& q : qs) out.questions.push_back(std::move(q.q));
  out.script = std::move(script);
  return out;
}

const char* const kSorry =
    "非常抱歉这次没能让您完全满意。您说的情况我已经逐条记下，会马上转给相关负责人，三个工作日内"
    "给您回复，处理完后我们还会再打电话向您确认。谢谢您的坦诚！";

Questionnaire car_sales() {
  const std::string s1 = "购车体验", s2 = "展厅设施", s3 = "交易条件", s4 = "手续办理",
                    s5 = "销售顾问", s6 = "交车时间", s7 = "交车过程", s8 = "总体评价";
  return make(
      "car_sales_ssi", "新车销售满意度回访", "sales", 1000,
      {{"experience", "购车体验", 0.13},
       {"facility", "展厅设施", 0.12},
       {"deal", "交易条件", 0.14},
       {"paperwork", "手续办理", 0.13},
       {"consultant", "销售顾问", 0.20},
       {"delivery_time", "交车时间", 0.12},
       {"handover", "交车过程", 0.16}},
      {
          Q("q01", s1, "第一次来电或到店时，接待是否及时、热情？", "scale")
              .scale(0, 10, 6)
              .dim("experience")
              .req()
              .dept("sales"),
          Q("q02", s1, "购车前您是否试乘试驾了？", "yes_no").req(),
          Q("q03", s1, "试乘试驾的路线、时间和讲解让您满意吗？", "scale")
              .scale(0, 10, 6)
              .dim("experience")
              .dept("sales")
              .show_if("q02", {"yes"}),
          Q("q04", s2, "展厅是否整洁明亮、看车方便？", "scale")
              .scale(0, 10, 6)
              .dim("facility")
              .req()
              .dept("sales"),
          Q("q05", s2, "休息区的茶水、网络、停车等是否方便？", "scale")
              .scale(0, 10, 6)
              .dim("facility")
              .dept("sales"),
          Q("q06", s3, "价格和优惠是否讲得明白、前后一致？", "scale")
              .scale(0, 10, 6)
              .dim("deal", 1.5)
              .req()
              .dept("sales"),
          Q("q07", s3, "贷款、置换、保险等方案是否介绍清楚，由您自主选择？", "scale")
              .scale(0, 10, 6)
              .dim("deal")
              .dept("sales"),
          Q("q08", s3, "赠送的精品和附加项目是否与承诺一致？", "yes_no")
              .bad_when(false)
              .dept("sales"),
          Q("q09", s4, "合同、发票、合格证等文件是否逐项向您解释？", "scale")
              .scale(0, 10, 6)
              .dim("paperwork")
              .req()
              .dept("sales"),
          Q("q10", s4, "上牌、保险等手续办得快不快？", "scale")
              .scale(0, 10, 6)
              .dim("paperwork")
              .dept("sales"),
          Q("q11", s5, "销售顾问对车型、配置的讲解是否专业？", "scale")
              .scale(0, 10, 6)
              .dim("consultant")
              .req()
              .dept("sales"),
          Q("q12", s5, "销售顾问是否尊重您的想法，没有强行推销？", "scale")
              .scale(0, 10, 6)
              .dim("consultant")
              .req()
              .dept("sales"),
          Q("q13", s5, "销售顾问答应您的事情是否都做到了？", "scale")
              .scale(0, 10, 6)
              .dim("consultant", 1.5)
              .req()
              .dept("sales"),
          Q("q14", s6, "车辆是否在约定的日期交付？", "yes_no")
              .bad_when(false)
              .req()
              .dept("delivery"),
          Q("q15", s6, "从签约到提车所用的时间，您满意吗？", "scale")
              .scale(0, 10, 6)
              .dim("delivery_time")
              .req()
              .dept("delivery"),
          Q("q16", s6, "交车当天的等候时间是否合理？", "scale")
              .scale(0, 10, 6)
              .dim("delivery_time")
              .dept("delivery"),
          Q("q17", s7, "交车时车辆内外是否干净、没有划伤？", "scale")
              .scale(0, 10, 6)
              .dim("handover")
              .req()
              .dept("delivery"),
          Q("q18", s7, "工作人员是否演示了常用功能并讲解用车注意事项？", "scale")
              .scale(0, 10, 6)
              .dim("handover")
              .req()
              .dept("delivery"),
          Q("q19", s7, "是否为您介绍了首保时间和售后服务顾问？", "scale")
              .scale(0, 10, 6)
              .dim("handover")
              .dept("delivery"),
          Q("q20", s7, "交车时工作人员是否告诉您 400 服务热线？", "yes_no")
              .req()
              .role("hotline_told")
              .dept("delivery"),
          Q("q21", s8, "总的来说，您给这次购车经历打几分？（0–10 分）", "scale")
              .scale(0, 10, 6)
              .req()
              .role("overall")
              .dept("sales"),
          Q("q22", s8, "您愿意把本店推荐给亲友吗？（0–10 分）", "scale").scale(0, 10),
          Q("q23", s8, "您还有什么意见、建议，或需要我们帮您处理的问题吗？", "text")
              .role("complaint")
              .dept("sales"),
      },
      {"您好，请问是{customer.name}吗？我是{unit.name}的客服专员{agent.name}。感谢您选择我们，"
       "想占用您大约五分钟，听听您对这次购车（车牌 {asset.plate}）服务的感受，方便吗？",
       "感谢您的认可和宝贵时间！用车中有任何问题，欢迎随时拨打我们的服务热线{hotline}。"
       "祝您用车愉快！",
       kSorry});
}

Questionnaire car_service() {
  const std::string s1 = "服务接待", s2 = "维修质量", s3 = "交车", s4 = "费用", s5 = "总体评价";
  return make(
      "car_service_csi", "售后维修满意度回访", "after_sales", 100,
      {{"reception", "服务接待", 0.25},
       {"quality", "维修质量", 0.35},
       {"handover", "交车", 0.2},
       {"cost", "费用", 0.2}},
      {
          Q("c01", s1, "到店时服务顾问接待是否及时、礼貌？", "scale")
              .scale(0, 10, 6)
              .dim("reception")
              .req()
              .dept("service_desk"),
          Q("c02", s1, "维修项目、所需时间和预估费用是否事先说清楚？", "scale")
              .scale(0, 10, 6)
              .dim("reception")
              .req()
              .dept("service_desk"),
          Q("c03", s2, "这次送修的问题是否一次就修好了？", "yes_no")
              .bad_when(false)
              .req()
              .role("fault_fixed")
              .dept("workshop"),
          Q("c04", s2, "还没修好的主要是哪方面？", "single")
              .options({{"mechanical", "机修", false},
                        {"electrical", "电器", false},
                        {"body", "钣金", false},
                        {"paint", "喷漆", false},
                        {"other", "其他", false}})
              .show_if("c03", {"no"})
              .req()
              .dept("workshop"),
          Q("c05", s2, "您对维修保养质量的评价？", "scale")
              .scale(0, 10, 6)
              .dim("quality", 2)
              .req()
              .dept("workshop"),
          Q("c06", s2, "这次是否做了钣金或喷漆？", "yes_no"),
          Q("c07", s2, "钣金、喷漆的效果（平整度、色差）满意吗？", "scale")
              .scale(0, 10, 6)
              .dim("quality")
              .show_if("c06", {"yes"})
              .dept("body_paint"),
          Q("c08", s3, "交车时车辆内外是否清洗干净？", "scale")
              .scale(0, 10, 6)
              .dim("handover")
              .req()
              .dept("wash"),
          Q("c09", s3, "是否在约定的时间交车？", "scale")
              .scale(0, 10, 6)
              .dim("handover")
              .req()
              .dept("workshop"),
          Q("c10", s4, "结算金额与报价是否一致，收费项目是否解释清楚？", "scale")
              .scale(0, 10, 6)
              .dim("cost")
              .req()
              .dept("service_desk"),
          Q("c11", s5, "总的来说，您对这次维修保养服务满意吗？（0–10 分）", "scale")
              .scale(0, 10, 6)
              .req()
              .role("overall")
              .dept("service_desk"),
          Q("c12", s5, "还有其他意见或需要我们跟进的问题吗？", "text")
              .role("complaint")
              .dept("service_desk"),
      },
      {"您好，{customer.name}，我是{unit.name}售后客服{agent.name}。您的爱车（{asset.plate}）"
       "前几天在我们这里做了维修保养，想花两三分钟了解一下您的感受，可以吗？",
       "谢谢您的支持！下次保养到期前我们会提前提醒您，有需要请拨打{hotline}。祝您行车平安！",
       kSorry});
}

Questionnaire store_purchase() {
  const std::string s = "购物体验", t = "总体评价";
  return make(
      "store_purchase", "门店购物回访", "store", 100,
      {{"staff", "导购服务", 0.4},
       {"environment", "门店环境", 0.2},
       {"checkout", "收银开票", 0.2},
       {"goods", "商品", 0.2}},
      {
          Q("s01", s, "导购员的服务态度怎么样？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("staff")
              .req()
              .dept("store"),
          Q("s02", s, "导购员介绍商品是否专业、实在？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("staff")
              .req()
              .dept("store"),
          Q("s03", s, "门店环境和商品陈列让您感觉如何？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("environment")
              .dept("store"),
          Q("s04", s, "收银排队和开票是否顺畅？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("checkout")
              .dept("service_desk"),
          Q("s05", s, "商品的价格和质量符合您的预期吗？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("goods")
              .req()
              .dept("store"),
          Q("s06", s, "购物时工作人员是否告诉您 400 服务热线？", "yes_no")
              .role("hotline_told")
              .dept("store"),
          Q("s07", t, "总的来说，您对这次购物满意吗？", "yes_no")
              .bad_when(false)
              .req()
              .role("overall")
              .dept("store"),
          Q("s08", t, "有什么意见或建议吗？", "text").role("complaint").dept("store"),
      },
      {"您好，{customer.name}，我是{unit.name}的客服{agent.name}。感谢您前几天来店选购，"
       "想耽误您一两分钟做个简短回访，可以吗？",
       "感谢您的支持！商品使用中有任何问题，请拨打服务热线{hotline}，我们随时为您服务。", kSorry});
}

Questionnaire delivery_install() {
  const std::string s1 = "送货", s2 = "安装", s3 = "总体评价";
  return make(
      "delivery_install", "送货安装回访", "logistics", 100,
      {{"on_time", "送货时效", 0.3}, {"install", "安装质量", 0.4}, {"conduct", "服务规范", 0.3}},
      {
          Q("d01", s1, "商品是否在约定的时间送到？", "yes_no")
              .bad_when(false)
              .req()
              .dept("logistics"),
          Q("d02", s1, "您对送货速度的评价？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("on_time")
              .req()
              .dept("logistics"),
          Q("d03", s1, "送到时包装和商品外观是否完好？", "yes_no")
              .bad_when(false)
              .req()
              .dept("logistics"),
          Q("d04", s2, "这次是否需要上门安装？", "yes_no").req(),
          Q("d05", s2, "安装师傅的技术和安装效果如何？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("install")
              .req()
              .show_if("d04", {"yes"})
              .dept("logistics"),
          Q("d06", s2, "装好后是否当面调试并讲解了使用方法？", "yes_no")
              .bad_when(false)
              .show_if("d04", {"yes"})
              .dept("logistics"),
          Q("d07", s2, "师傅是否穿工装、爱护家居、清理现场？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("conduct")
              .req()
              .dept("logistics"),
          Q("d08", s2, "师傅是否另外向您收取了费用？", "yes_no")
              .bad_when(true)
              .req()
              .dept("logistics"),
          Q("d09", s3, "您对这次送货安装服务的总体评价？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .req()
              .role("overall")
              .dept("logistics"),
          Q("d10", s3, "还有什么需要我们改进的吗？", "text").role("complaint").dept("logistics"),
      },
      {"您好，{customer.name}，我是{unit.name}客服{agent.name}。您购买的商品已经送货上门，"
       "想了解一下送货和安装的情况，大约两分钟，可以吗？",
       "谢谢您的配合！后续使用中有任何问题，欢迎拨打{hotline}。", kSorry});
}

Questionnaire complaint_verify() {
  const std::string s = "处理结果";
  return make(
      "complaint_verify", "投诉处理回访验证", "complaint", 100,
      {{"speed", "处理速度", 0.5}, {"attitude", "处理态度", 0.5}},
      {
          Q("v01", s, "您反映的问题现在解决了吗？", "yes_no")
              .bad_when(false)
              .req()
              .dept("service_desk"),
          Q("v02", s, "您对处理速度的评价？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("speed")
              .req()
              .dept("service_desk"),
          Q("v03", s, "处理人员的沟通和态度如何？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("attitude")
              .req()
              .dept("service_desk"),
          Q("v04", s, "您对这次投诉的处理结果满意吗？", "yes_no")
              .bad_when(false)
              .req()
              .role("overall")
              .dept("service_desk"),
          Q("v05", s, "您希望我们怎样进一步处理？", "text")
              .show_if("v04", {"no"})
              .req()
              .role("complaint")
              .dept("service_desk"),
      },
      {"您好，{customer.name}，我是{unit.name}客服{agent.name}。关于您之前反映的问题，"
       "相关部门已经处理，想向您确认一下处理结果，方便吗？",
       "感谢您的理解与支持！今后有任何问题，欢迎随时联系我们：{hotline}。",
       "非常抱歉还没能让您满意。您的意见我已记录，会立即反馈给主管跟进处理，并尽快再次联系您。"});
}

Questionnaire property_repair() {
  const std::string s = "报修服务";
  return make(
      "property_repair", "物业报修回访", "property", 100,
      {{"response", "响应速度", 0.3}, {"quality", "维修质量", 0.5}, {"conduct", "服务规范", 0.2}},
      {
          Q("p01", s, "报修后维修人员上门是否及时？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("response")
              .req()
              .dept("property"),
          Q("p02", s, "报修的问题已经修好了吗？", "yes_no")
              .bad_when(false)
              .req()
              .role("fault_fixed")
              .dept("property"),
          Q("p03", s, "您对维修质量的评价？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("quality")
              .req()
              .show_if("p02", {"yes"})
              .dept("property"),
          Q("p04", s, "维修人员是否文明礼貌、完工后清理现场？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("conduct")
              .req()
              .dept("property"),
          Q("p05", s, "总的来说，您对这次报修服务满意吗？", "yes_no")
              .bad_when(false)
              .req()
              .role("overall")
              .dept("property"),
          Q("p06", s, "还有其他需要物业跟进的问题吗？", "text").role("complaint").dept("property"),
      },
      {"您好，{customer.name}，我是{unit.name}物业客服{agent.name}。您前几天报修的问题"
       "已安排处理，想跟您确认一下维修情况，方便吗？",
       "谢谢您的配合！居家有任何需要，请随时拨打物业服务热线{hotline}。", kSorry});
}

Questionnaire online_order() {
  const std::string s = "订单体验";
  return make(
      "online_order", "网店订单回访", "online", 100,
      {{"logistics", "物流", 0.4}, {"goods", "商品", 0.4}, {"service", "在线客服", 0.2}},
      {
          Q("o01", s, "包裹送达的速度让您满意吗？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("logistics")
              .req()
              .dept("logistics"),
          Q("o02", s, "包裹是否完好，商品与订单是否一致？", "yes_no")
              .bad_when(false)
              .req()
              .dept("logistics"),
          Q("o03", s, "商品质量与页面描述相符吗？（1–5 分）", "scale")
              .scale(1, 5, 2)
              .dim("goods")
              .req()
              .dept("store"),
          Q("o04", s, "在线客服回复是否及时、有帮助？（1–5 分，没咨询过可跳过）", "scale")
              .scale(1, 5, 2)
              .dim("service")
              .dept("service_desk"),
          Q("o05", s, "以后还会在本店购买吗？", "single")
              .options({{"yes", "会", false}, {"maybe", "看情况", false}, {"no", "不会", true}})
              .dept("store"),
          Q("o06", s, "总的来说，您给这次购物打几分？（0–10 分）", "scale")
              .scale(0, 10, 6)
              .req()
              .role("overall")
              .dept("store"),
          Q("o07", s, "还有什么意见或建议？", "text").role("complaint").dept("store"),
      },
      {"您好，{customer.name}，我是{unit.name}网店客服{agent.name}。您最近在本店下的订单"
       "已经签收，想请您花一分钟评价一下这次购物，可以吗？",
       "感谢您的评价！期待您再次光临，售后问题请联系{hotline}。", kSorry});
}

}  // namespace

const std::vector<Questionnaire>& presets() {
  static const std::vector<Questionnaire> all = {
      car_sales(),        car_service(),     store_purchase(), delivery_install(),
      complaint_verify(), property_repair(), online_order()};
  return all;
}

}  // namespace kefu::surveys
