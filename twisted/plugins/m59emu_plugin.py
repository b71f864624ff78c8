from twisted.application.service import ServiceMaker

serviceMaker = ServiceMaker("m59emu", "emulator.tap", "Meridian 59 server emulator", "m59emu")
